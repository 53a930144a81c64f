"""Parsing an HTTP request into the typed request the pipeline works on (no database involved)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, unquote

from oricol.identity import HEADERS_KEY

from . import errors, limits

JSON = "application/json"
OBJECT = "application/vnd.pgrst.object+json"
CSV = "text/csv"
PLAN = "application/vnd.pgrst.plan"
OCTET = "application/octet-stream"
TEXT = "text/plain"
ARRAY = ("application/vnd.pgrst.array+json", "application/vnd.pgrst.array")
SUPPORTED_OUT = (JSON, OBJECT, CSV, PLAN, OCTET, TEXT)
PREFERENCE_KEYS = {"return", "count", "resolution", "missing", "handling", "tx", "max-affected", "params",
                   "timezone"}


@dataclass
class Preferences:
    """Read-only once parsed: `parse_prefer` hands the same instance to every request with the same header."""

    values: dict[str, str] = field(default_factory=dict)
    invalid: list[str] = field(default_factory=list)

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.values.get(key, default)


@dataclass
class ApiRequest:
    method: str
    kind: str  # "root" | "table" | "rpc"
    name: str
    schema: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    prefer: Preferences
    accept: str
    accept_params: dict[str, str]
    content_type: str
    body: bytes
    range: tuple[int, int | None] | None  # (offset, last index or None)
    path: str
    cookies: dict[str, str]

    @property
    def is_read(self) -> bool:
        return self.method in ("GET", "HEAD")


def parse(scope: dict, body: bytes, schemas: tuple[str, ...]) -> ApiRequest:
    headers = scope.get(HEADERS_KEY)  # decoded once by the gateway
    if headers is None:  # a service app used without the gateway (unit tests)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    method = scope["method"].upper()
    relative = scope["path"][len(scope.get("root_path", "")):] if scope["path"].startswith(
        scope.get("root_path", "")) else scope["path"]
    kind, name = _target(relative)
    raw_query = scope.get("query_string", b"")
    if len(raw_query) > limits.MAX_QUERY_BYTES:
        raise limits.too_large("query string", limits.MAX_QUERY_BYTES)
    query = _query(raw_query)
    accept, accept_params = negotiate(headers.get("accept", JSON))
    return ApiRequest(
        method=method, kind=kind, name=name, schema=_schema(method, headers, schemas), query=query,
        headers=headers, prefer=parse_prefer(headers.get("prefer", "")), accept=accept,
        accept_params=accept_params,
        content_type=headers.get("content-type", JSON).split(";")[0].strip().lower() or JSON,
        body=body, range=_range(headers), path=scope["path"], cookies=_cookies(headers.get("cookie", "")))


def _query(raw: bytes) -> list[tuple[str, str]]:
    """The query string's pairs, without `apikey` (the gateway's)."""
    if raw.isascii() and b"%" not in raw and b"+" not in raw:
        # Nothing to unescape or to read as UTF-8 (most requests): parse_qsl's result, split directly.
        return [(k, v) for k, _, v in (p.partition("=") for p in raw.decode("ascii").split("&") if p)
                if k != "apikey"]
    # Percent-escapes are undone byte for byte (latin-1), then the bytes are read as UTF-8 once.
    query = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    return [(_utf8(k), _utf8(v)) for k, v in query if k != "apikey"]


def _utf8(text: str) -> str:
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise errors.parse_error("Invalid UTF-8 in the query string") from None


@lru_cache(maxsize=256)  # the same few paths over and over; a refused path raises, so is not kept
def _target(relative: str) -> tuple[str, str]:
    parts = [unquote(p) for p in relative.strip("/").split("/")] if relative.strip("/") else []
    if not parts:
        return "root", ""
    if len(parts) == 1:
        return "table", parts[0]
    if len(parts) == 2 and parts[0] == "rpc":
        return "rpc", parts[1]
    raise errors.error(404, errors.INVALID_PATH, "Invalid path specified in request URL")


def _schema(method: str, headers: dict[str, str], schemas: tuple[str, ...]) -> str:
    header = "accept-profile" if method in ("GET", "HEAD") else "content-profile"
    wanted = headers.get(header)
    if wanted is None:
        return schemas[0]
    if wanted not in schemas:
        raise errors.error(406, errors.SCHEMA_NOT_EXPOSED,
                           "The schema must be one of the following: " + ", ".join(schemas))
    return wanted


@lru_cache(maxsize=256)  # per distinct header value; the Preferences are shared, read-only
def parse_prefer(value: str) -> Preferences:
    prefs = Preferences()
    for item in (p.strip() for p in value.split(",")):
        if not item:
            continue
        key, eq, val = item.partition("=")
        key, val = key.strip().lower(), val.strip()
        if key in PREFERENCE_KEYS and eq:
            prefs.values.setdefault(key, val)
        else:
            prefs.invalid.append(item)
    return prefs


@lru_cache(maxsize=256)  # per distinct Accept value; the parameters dict is shared, read-only
def negotiate(accept: str) -> tuple[str, dict[str, str]]:
    """The first acceptable media type we can produce, with its parameters (nulls=stripped)."""
    candidates = []
    for index, item in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in item.split(";")]
        options = dict(p.partition("=")[::2] for p in params if "=" in p)
        try:
            quality = float(options.pop("q", "1"))
        except ValueError:
            quality = 1.0
        candidates.append((-quality, index, media.lower(), options))
    for _, _, media, options in sorted(candidates):
        if media in ("*/*", "application/*", ""):
            return JSON, options
        if media.startswith(PLAN):
            return PLAN, options
        if media in ARRAY:  # PostgREST's name for plain JSON arrays, with `nulls=stripped` (stripNulls())
            return JSON, options
        if media in SUPPORTED_OUT:
            return media, options
    raise errors.error(406, errors.MEDIA_TYPE, "None of these media types are available: " + accept)


RANGE = re.compile(r"^\s*(?:items=)?(\d+)-(\d*)\s*$")


def _range(headers: dict[str, str]) -> tuple[int, int | None] | None:
    value = headers.get("range")
    if not value:
        return None
    match = RANGE.match(value)
    if match is None:
        return None
    start, end = int(match.group(1)), (int(match.group(2)) if match.group(2) else None)
    if end is not None and end < start:
        raise errors.error(416, errors.RANGE_NOT_SATISFIABLE, "Requested range not satisfiable",
                           "The lower boundary must be lower than or equal to the upper boundary in the Range header.")
    return start, end


def _cookies(value: str) -> dict[str, str]:
    cookies: dict[str, str] = {}
    if not value:
        return cookies
    for part in value.split(";"):
        name, eq, val = part.strip().partition("=")
        if eq and name:
            cookies[name] = val
    return cookies
