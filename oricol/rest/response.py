"""Turning the statement's answer into the HTTP response: status, Content-Range, body bytes and
headers set from SQL (`response.headers`, `response.status`). The body bytes pass through as
PostgreSQL built them."""
from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from . import errors
from .request import CSV, OBJECT, OCTET, TEXT


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str | None = "application/json; charset=utf-8"
    schema: str | None = None  # echoed as Content-Profile when several schemas are exposed

    def header(self, name: str, value: str) -> "Response":
        self.headers.append((name, value))
        return self


def content_type(media: str) -> str:
    if media == OBJECT:
        return "application/vnd.pgrst.object+json; charset=utf-8"
    if media == CSV:
        return "text/csv; charset=utf-8"
    if media == OCTET:
        return OCTET
    if media == TEXT:
        return "text/plain; charset=utf-8"
    return "application/json; charset=utf-8"


def content_range(offset: int, page: int, total: int | None) -> str:
    total_text = "*" if total is None else str(total)
    if page == 0:
        return f"*/{total_text}"
    return f"{offset}-{offset + page - 1}/{total_text}"


def read_status(offset: int, page: int, total: int | None) -> int:
    if total is None:
        return 200
    if offset > 0 and offset >= total and not (total == 0 and offset == 0):
        raise errors.error(416, errors.RANGE_NOT_SATISFIABLE, "Requested range not satisfiable",
                           f"An offset of {offset} was requested, but there are only {total} rows.",
                           headers={"Content-Range": f"*/{total}"})
    return 206 if page < total else 200


def single_object(body: str | bytes, page: int) -> bytes:
    """`[obj]` -> `obj`, without decoding the JSON: the array holds exactly one element."""
    if page != 1:
        raise errors.singular(page)
    data = body.encode() if isinstance(body, str) else body
    return data[data.index(b"[") + 1:data.rindex(b"]")]


def apply_sql_settings(response: Response, row) -> Response:
    """`response.headers` (a JSON array of one-key objects) and `response.status` set by SQL."""
    raw_headers = row["response_headers"] if "response_headers" in row else None
    if raw_headers:
        try:
            items = orjson.loads(raw_headers)
            assert isinstance(items, list)
            for item in items:
                assert isinstance(item, dict)
                for name, value in item.items():
                    response.headers.append((str(name), str(value)))
        except (orjson.JSONDecodeError, AssertionError):
            raise errors.error(500, errors.RESPONSE_HEADERS_GUC,
                               "response.headers guc must be a JSON array composed of objects "
                               "with a single key and a string value") from None
    raw_status = row["response_status"] if "response_status" in row else None
    if raw_status:
        if not raw_status.strip().isdigit():
            raise errors.error(500, errors.RESPONSE_STATUS_GUC, "response.status guc must be a valid status code")
        response.status = int(raw_status)
    return response
