"""Listing objects: v1 (`/object/list`, one folder level with folders as rows whose id is null) and
v2 (`/object/list-v2`, cursor pages, flat or grouped by `/`). Rows come from a query under the
caller's role, so a folder appears only if the caller may see something inside it."""
from __future__ import annotations

import base64
import binascii

import orjson
from starlette.requests import Request
from starlette.responses import Response

from oricol.db import as_caller

from . import errors
from .context import caller_of, context_of
from .http import endpoint, json_body, raw_json
from .keys import check_prefix

V1_COLUMNS = {"name": 'name collate "C"', "created_at": "created_at", "updated_at": "updated_at",
              "last_accessed_at": "last_accessed_at"}
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


def _cursor(value) -> tuple[str, str] | None:
    """(sort key, entry) after which the page starts; a bare name (an older cursor) sorts by name."""
    if not value:
        return None
    try:
        text = base64.urlsafe_b64decode(value.encode() + b"==").decode()
    except (binascii.Error, UnicodeDecodeError, AttributeError):
        raise errors.invalid_parameter("cursor") from None
    try:
        decoded = orjson.loads(text)
    except orjson.JSONDecodeError:
        return "", text
    if not (isinstance(decoded, list) and len(decoded) == 2 and all(isinstance(x, str) for x in decoded)):
        return "", text
    return decoded[0], decoded[1]


def _encode_cursor(sort_key: str, entry: str) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([sort_key, entry])).decode().rstrip("=")


# The sort key of an entry: '' for name order; a timestamp as sortable text, '' for folders (which
# have none), so every order is (key, entry) and a cursor is the last (key, entry) shown.
V2_KEYS = {"name": "''",
           "created_at": "coalesce(to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), '')",
           "updated_at": "coalesce(to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), '')"}

# $1 bucket, $2 prefix, $3/$4 cursor (key, entry), $5 grouped by '/', $6 rows wanted. Grouped: a folder
# is the prefix up to the next '/', objects directly under the prefix; flat: every object below it.
V2_ENTRIES = """
with children as (
  select o.*, substr(o.name, char_length($2) + 1) as rest from storage.objects o
  where o.bucket_id = $1 and starts_with(o.name, $2)
), entries as (
  select $2 || split_part(rest, '/', 1) || '/' as entry, true as is_folder, null::uuid as id,
         null::jsonb as metadata, null::timestamptz as updated_at, null::timestamptz as created_at,
         null::timestamptz as last_accessed_at
  from children where $5 and strpos(rest, '/') > 0 group by split_part(rest, '/', 1)
  union all
  select name, false, id, metadata, updated_at, created_at, last_accessed_at from children
  where not $5 or strpos(rest, '/') = 0
), keyed as (
  select *, {key} as sort_key from entries
), page as (
  select * from keyed
  where $3::text is null or (sort_key collate "C", entry collate "C") {cmp} ($3::text, $4::text)
  order by sort_key collate "C" {dir}, entry collate "C" {dir} limit $6
)
select coalesce(json_agg(json_build_object('folder', is_folder, 'id', id, 'name', entry, 'key', entry,
  'metadata', metadata, 'updated_at', updated_at, 'created_at', created_at, 'last_accessed_at', last_accessed_at,
  'sort_key', sort_key) order by sort_key collate "C" {dir}, entry collate "C" {dir}), '[]')::text
from page"""


def _v2_sort(value) -> tuple[str, bool]:
    sort = value or {}
    if not isinstance(sort, dict):
        raise errors.invalid_parameter("sortBy")
    column = sort.get("column", "name")
    order = str(sort.get("order", "asc")).lower()
    if column not in V2_KEYS or order not in ("asc", "desc"):
        raise errors.invalid_parameter("sortBy")
    return column, order == "desc"


@endpoint
async def list_v2(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    body = await json_body(request)
    prefix = check_prefix(body.get("prefix") or "")
    limit = _limit(body.get("limit"), MAX_LIMIT)
    cursor = _cursor(body.get("cursor"))
    grouped = bool(body.get("with_delimiter"))
    column, descending = _v2_sort(body.get("sortBy"))
    # Only whitelisted text goes into the statement; every value is a parameter.
    text = V2_ENTRIES.format(key=V2_KEYS[column], cmp="<" if descending else ">", dir="desc" if descending else "asc")
    async with as_caller(ctx.pool, caller, readonly=True) as conn:
        payload = await conn.fetchval(text, request.path_params["bucket"], prefix,
                                      cursor[0] if cursor else None, cursor[1] if cursor else None, grouped,
                                      limit + 1)
    return raw_json(_page(orjson.loads(payload), limit))


def _page(entries: list[dict], limit: int) -> bytes:
    """The page as Storage API answers it: folders (named without their '/') and objects, in the
    order asked for, and a cursor when more follow."""
    shown = entries[:limit]
    folders = [{"name": e["name"].rstrip("/"), "key": e["key"].rstrip("/")} for e in shown if e["folder"]]
    objects = [{k: e[k] for k in ("id", "name", "key", "metadata", "updated_at", "created_at", "last_accessed_at")}
               for e in shown if not e["folder"]]
    result: dict = {"hasNext": len(entries) > limit, "folders": folders, "objects": objects}
    if result["hasNext"]:
        result["nextCursor"] = _encode_cursor(shown[-1]["sort_key"], shown[-1]["key"])
    return orjson.dumps(result)
