"""Listing objects: v1 (`/object/list`, one folder level with folders as rows whose id is null) and
v2 (`/object/list-v2`, cursor pages, flat or grouped by `/`). Rows come from a query under the
caller's role, so a folder appears only if the caller may see something inside it."""
from __future__ import annotations

import base64
import binascii

from starlette.requests import Request
from starlette.responses import Response

from oricol.db import as_caller

from . import errors
from .context import caller_of, context_of
from .http import endpoint, json_body, raw_json
from .keys import check_prefix

V1_COLUMNS = {"name": 'name collate "C"', "created_at": "created_at", "updated_at": "updated_at",
              "last_accessed_at": "last_accessed_at"}
V2_COLUMNS = ("name", "created_at", "updated_at")
MAX_LIMIT = 1000

# One level below the folder `$2` (ending in '/', or '' for the top): a child is a file when the rest
# of its name has no '/', otherwise the first segment is a folder.
V1_ENTRIES = """
with children as (
  select o.id, o.updated_at, o.created_at, o.last_accessed_at, o.metadata,
         substr(o.name, char_length($2) + 1) as rest
  from storage.objects o
  where o.bucket_id = $1 and starts_with(o.name, $2)
), entries as (
  select split_part(rest, '/', 1) as name, null::uuid as id, null::timestamptz as updated_at,
         null::timestamptz as created_at, null::timestamptz as last_accessed_at, null::jsonb as metadata
  from children where strpos(rest, '/') > 0
  group by split_part(rest, '/', 1)
  union all
  select rest, id, updated_at, created_at, last_accessed_at, metadata
  from children where strpos(rest, '/') = 0
)
select coalesce(json_agg(json_build_object('name', e.name, 'id', e.id, 'updated_at', e.updated_at,
  'created_at', e.created_at, 'last_accessed_at', e.last_accessed_at, 'metadata', e.metadata)), '[]')::text
from (select * from entries where name ilike $3 escape '\\' """


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _limit(value, default: int) -> int:
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise errors.invalid_parameter("limit")
    return min(value, MAX_LIMIT)


@endpoint
async def list_v1(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    body = await json_body(request)
    prefix = check_prefix(body.get("prefix") or "")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    search = body.get("search") or ""
    if not isinstance(search, str):
        raise errors.invalid_parameter("search")
    limit = _limit(body.get("limit"), 100)
    offset = body.get("offset") or 0
    if not isinstance(offset, int) or offset < 0:
        raise errors.invalid_parameter("offset")
    sort = body.get("sortBy") or {}
    column = V1_COLUMNS.get(sort.get("column", "name") if isinstance(sort, dict) else "name")
    if column is None:
        raise errors.invalid_parameter("sortBy")
    descending = isinstance(sort, dict) and str(sort.get("order", "asc")).lower() == "desc"
    direction = " desc nulls last" if descending else " asc nulls first"
    # The column comes from the whitelist above (trusted text); every value is a parameter.
    text = V1_ENTRIES + f'order by {column}{direction}, name collate "C"{" desc" if descending else ""} ' \
        + "limit $4 offset $5) e"
    async with as_caller(ctx.pool, caller, readonly=True) as conn:
        result = await conn.fetchval(text, request.path_params["bucket"], prefix, _like_prefix(search),
                                     limit, offset)
    return raw_json(result)


def _cursor(value) -> str | None:
    if not value:
        return None
    try:
        return base64.urlsafe_b64decode(value.encode() + b"==").decode()
    except (binascii.Error, UnicodeDecodeError, AttributeError):
        raise errors.invalid_parameter("cursor") from None


def _encode_cursor(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode().rstrip("=")


V2_OBJECTS = """
select coalesce(json_agg(json_build_object('id', o.id, 'name', o.name, 'key', o.name, 'metadata', o.metadata,
  'updated_at', o.updated_at, 'created_at', o.created_at, 'last_accessed_at', o.last_accessed_at)
  order by o.name collate "C"), '[]')::text, count(*), max(o.name collate "C")
from (select * from storage.objects where bucket_id = $1 and starts_with(name, $2)
      and ($3::text is null or name collate "C" > $3) order by name collate "C" limit $4) o"""

# Grouped by '/': a folder is the prefix up to the next '/'; objects directly under the prefix.
V2_GROUPED = """
with children as (
  select o.*, substr(o.name, char_length($2) + 1) as rest from storage.objects o
  where o.bucket_id = $1 and starts_with(o.name, $2)
), entries as (
  select $2 || split_part(rest, '/', 1) || '/' as entry, true as is_folder, null::uuid as id,
         null::jsonb as metadata, null::timestamptz as updated_at, null::timestamptz as created_at,
         null::timestamptz as last_accessed_at
  from children where strpos(rest, '/') > 0 group by split_part(rest, '/', 1)
  union all
  select name, false, id, metadata, updated_at, created_at, last_accessed_at from children
  where strpos(rest, '/') = 0
), page as (
  select * from entries where $3::text is null or entry collate "C" > $3
  order by entry collate "C" limit $4
)
select json_build_object(
  'folders', coalesce((select json_agg(json_build_object('name', entry, 'key', entry) order by entry collate "C")
                       from page where is_folder), '[]'),
  'objects', coalesce((select json_agg(json_build_object('id', id, 'name', entry, 'key', entry,
                         'metadata', metadata, 'updated_at', updated_at, 'created_at', created_at,
                         'last_accessed_at', last_accessed_at) order by entry collate "C")
                       from page where not is_folder), '[]'))::text,
  (select count(*) from page), (select max(entry collate "C") from page)"""


@endpoint
async def list_v2(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    body = await json_body(request)
    prefix = check_prefix(body.get("prefix") or "")
    limit = _limit(body.get("limit"), MAX_LIMIT)
    cursor = _cursor(body.get("cursor"))
    grouped = bool(body.get("with_delimiter"))
    sort = body.get("sortBy") or {}
    if isinstance(sort, dict) and sort.get("column", "name") not in V2_COLUMNS:
        raise errors.invalid_parameter("sortBy")
    async with as_caller(ctx.pool, caller, readonly=True) as conn:
        if grouped:
            payload, count, last = await conn.fetchrow(V2_GROUPED, request.path_params["bucket"], prefix, cursor,
                                                       limit + 1)
        else:
            payload, count, last = await conn.fetchrow(V2_OBJECTS, request.path_params["bucket"], prefix, cursor,
                                                       limit + 1)
    return raw_json(_page(payload, count, limit, grouped))


def _page(payload: str, count: int, limit: int, grouped: bool) -> bytes:
    import orjson
    data = orjson.loads(payload)
    if grouped:
        folders, objects = data["folders"], data["objects"]
    else:
        folders, objects = [], data
    entries = sorted([("f", f["key"]) for f in folders] + [("o", o["key"]) for o in objects], key=lambda e: e[1])
    has_next = count > limit
    if has_next:
        dropped = entries[limit]
        if dropped[0] == "f":
            folders = [f for f in folders if f["key"] != dropped[1]]
        else:
            objects = [o for o in objects if o["key"] != dropped[1]]
        last_name = entries[limit - 1][1]
    # Folders are compared with their '/' (so a cursor after `a/` skips `a/`), shown without it as Storage API does.
    folders = [{**f, "name": f["name"].rstrip("/"), "key": f["key"].rstrip("/")} for f in folders]
    result = {"hasNext": has_next, "folders": folders, "objects": objects}
    if has_next:
        result["nextCursor"] = _encode_cursor(last_name)
    return orjson.dumps(result)
