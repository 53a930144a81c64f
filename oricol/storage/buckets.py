"""Bucket endpoints: list, get, create, update, empty, delete — each under the caller's role."""
from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from oricol.db import as_caller
from oricol.sql import ident, param, raw, render

from . import errors, queries
from .context import caller_of, context_of
from .http import endpoint, json_body, json_response, raw_json
from .keys import check_bucket_id
from .store import owner_columns, remove_versions

SORT_COLUMNS = ("id", "name", "created_at", "updated_at")


def _size_limit(value: Any) -> int | None:
    """Storage accepts a number of bytes or a string like `20MB`, `512KB`, `3B`."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise errors.invalid_request("Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B")
    if isinstance(value, (int, float)):
        number = int(value)
    else:
        text = str(value).strip().upper().replace(" ", "")
        units = {"GB": 1000 ** 3, "MB": 1000 ** 2, "KB": 1000, "B": 1}  # decimal units, as Storage API
        for unit, factor in units.items():
            if text.endswith(unit) and text[:-len(unit)].replace(".", "", 1).isdigit():
                number = int(float(text[:-len(unit)]) * factor)
                break
        else:
            if not text.isdigit():
                raise errors.invalid_request("Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B")
            number = int(text)
    if number < 0:
        raise errors.invalid_request("file_size_limit must not be negative")
    return number or None


def _mime_types(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) and "/" in item or item == "*"
                                              for item in value):
        raise errors.invalid_request("allowed_mime_types must be a list of mime types like image/png or image/*")
    return value or None


@endpoint
async def list_buckets(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    query = request.query_params
    sql = raw(f"select coalesce(json_agg(x.j), '[]')::text from (select {queries.BUCKET_JSON} as j from storage.buckets b")
    if query.get("search"):
        sql += raw(" where b.name ilike ") + param("%" + _like_escape(query["search"]) + "%")
    column = query.get("sortColumn", "name")
    if column not in SORT_COLUMNS:
        raise errors.invalid_parameter("sortColumn")
    order = raw(" desc" if query.get("sortOrder", "asc").lower() == "desc" else " asc")
    sql += raw(" order by ") + ident("b", column) + order
    if query.get("limit"):
        sql += raw(" limit ") + param(_non_negative(query["limit"], "limit"))
    if query.get("offset"):
        sql += raw(" offset ") + param(_non_negative(query["offset"], "offset"))
    sql += raw(") x")
    text, args = render(sql)
    async with as_caller(ctx.pool, caller, readonly=True) as conn:
        return raw_json(await conn.fetchval(text, *args))


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _non_negative(value: str, name: str) -> int:
    if not value.isdigit():
        raise errors.invalid_parameter(name)
    return int(value)


@endpoint
async def get_bucket(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    async with as_caller(ctx.pool, caller, readonly=True) as conn:
        bucket = await conn.fetchval(queries.GET_BUCKET, request.path_params["bucket"])
    if bucket is None:
        raise errors.no_such_bucket()
    return json_response(bucket)


@endpoint
async def create_bucket(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    body = await json_body(request)
    bucket_id = check_bucket_id(body.get("id") or body.get("name") or "")
    name = body.get("name") or bucket_id
    check_bucket_id(name)
    owner_uuid, owner_id = owner_columns(caller.user_id)
    try:
        async with as_caller(ctx.pool, caller) as conn:
            await conn.fetchval(queries.INSERT_BUCKET, bucket_id, name, owner_uuid, owner_id,
                                bool(body.get("public", False)), _size_limit(body.get("file_size_limit")),
                                _mime_types(body.get("allowed_mime_types")))
    except errors.asyncpg.UniqueViolationError:
        raise errors.bucket_exists() from None
    return json_response({"name": bucket_id})


@endpoint
async def update_bucket(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    body = await json_body(request)
    bucket_id = request.path_params["bucket"]
    public = body.get("public")
    async with as_caller(ctx.pool, caller) as conn:
        updated = await conn.fetchval(
            queries.UPDATE_BUCKET, bucket_id, None if public is None else bool(public),
            "file_size_limit" in body, _size_limit(body.get("file_size_limit")),
            "allowed_mime_types" in body, _mime_types(body.get("allowed_mime_types")))
    if updated is None:
        raise errors.no_such_bucket()
    return json_response({"message": "Successfully updated"})


@endpoint
async def empty_bucket(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    bucket_id = request.path_params["bucket"]
    async with as_caller(ctx.pool, caller) as conn:
        if await conn.fetchval(queries.BUCKET_EXISTS, bucket_id) is None:
            raise errors.no_such_bucket()
        removed = await conn.fetch(queries.EMPTY_BUCKET, bucket_id)
    await remove_versions(context_of(request), [(row["id"], row["version"]) for row in removed])
    return json_response({"message": "Successfully emptied"})


@endpoint
async def delete_bucket(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    bucket_id = request.path_params["bucket"]
    try:
        async with as_caller(ctx.pool, caller) as conn:
            deleted = await conn.fetchval(queries.DELETE_BUCKET, bucket_id)
    except errors.asyncpg.ForeignKeyViolationError:
        raise errors.bucket_not_empty() from None
    if deleted is None:
        raise errors.no_such_bucket()
    return json_response({"message": "Successfully deleted"})
