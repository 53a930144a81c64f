"""Serving an object's bytes: streamed, with Range (206), ETag / If-None-Match (304), Last-Modified,
Cache-Control and `?download[=name]` as Content-Disposition."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from . import errors
from .context import Context

SMALL = 256 * 1024


@dataclass(frozen=True)
class Stored:
    """What the metadata row says about the bytes to serve."""

    object_id: str
    version: str
    name: str
    size: int
    content_type: str
    etag: str
    cache_control: str
    last_modified: datetime | None

    @classmethod
    def from_row(cls, row, name: str) -> "Stored":
        meta = row["metadata"] or {}
        return cls(object_id=row["id"], version=row["version"], name=name, size=int(meta.get("size") or 0),
                   content_type=meta.get("mimetype") or "application/octet-stream",
                   etag=meta.get("eTag") or "", cache_control=meta.get("cacheControl") or "no-cache",
                   last_modified=row["updated_at"])


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """A single `bytes=` range as (start, end inclusive); None means serve everything."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash:
        return None
    try:
        if first == "":
            length = int(last)
            if length <= 0:
                raise errors.invalid_range()
            return max(0, size - length), size - 1
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start >= size or end < start:
        raise errors.invalid_range()
    return start, min(end, size - 1)


def disposition(request: Request, name: str) -> str | None:
    if "download" not in request.query_params:
        return None
    filename = request.query_params.get("download") or name.rsplit("/", 1)[-1]
    # Storage API writes the name percent-encoded as encodeURIComponent does, unquoted, twice.
    encoded = quote(filename, safe="-_.!~*'()")
    return f"attachment; filename={encoded}; filename*=UTF-8''{encoded}"


def _not_modified(request: Request, stored: Stored) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [tag.strip() for tag in if_none_match.split(",")]
        return "*" in tags or stored.etag in tags or stored.etag.strip('"') in tags
    since = request.headers.get("if-modified-since")
    if since and stored.last_modified is not None:
        try:
            return stored.last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def base_headers(request: Request, stored: Stored) -> dict[str, str]:
    headers = {"cache-control": stored.cache_control, "etag": stored.etag, "accept-ranges": "bytes",
               "content-type": stored.content_type}
    if stored.last_modified is not None:
        headers["last-modified"] = format_datetime(stored.last_modified, usegmt=True)
    disp = disposition(request, stored.name)
    if disp:
        headers["content-disposition"] = disp
    return headers


async def serve(ctx: Context, request: Request, stored: Stored) -> Response:
    headers = base_headers(request, stored)
    if _not_modified(request, stored):
        headers.pop("content-type")
        return Response(status_code=304, headers=headers)
    status, start, end = 200, 0, stored.size - 1
    range_header = request.headers.get("range")
    if range_header and stored.size > 0:
        try:
            chosen = parse_range(range_header, stored.size)
        except errors.ApiError as error:
            error.headers = {"content-range": f"bytes */{stored.size}"}
            raise
        if chosen is not None:
            status, (start, end) = 206, chosen
            headers["content-range"] = f"bytes {start}-{end}/{stored.size}"
    length = end - start + 1 if stored.size else 0
    headers["content-length"] = str(length)
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers)
    if length <= 0:
        return Response(b"", status_code=status, headers=headers)
    if status == 200 and stored.size <= SMALL:
        return Response(await ctx.backend.read_small(stored.object_id, stored.version), status_code=200,
                        headers=headers)
    return StreamingResponse(ctx.backend.read(stored.object_id, stored.version, start, end), status_code=status,
                             headers=headers)
