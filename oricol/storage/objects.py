"""Object endpoints: upload, replace, download, info, delete, move, copy."""
from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from oricol.db import Caller, as_caller

from . import errors, queries
from .context import Context, caller_of, context_of, service_caller
from .download import Stored, serve
from .http import endpoint, header_upsert, json_body, json_response
from .keys import check_bucket_id, check_key
from .staging import stage
from .store import Bucket, check_mime, commit_object, commit_staged, load_bucket, remove_versions, size_limit

SMALL_BODY = 1024 * 1024


def _target(request: Request) -> tuple[str, str]:
    return request.path_params["bucket"], check_key(request.path_params["name"])


async def receive_object(ctx: Context, request: Request, caller: Caller, bucket_id: str, name: str, *,
                         upsert: bool, owner: str | None) -> Response:
    """Stages the body and commits it (the write protocol in store.py), which checks the bucket's
    limits in its transaction. Large bodies are checked against the bucket before being read, so a
    refused gigabyte is not streamed first."""
    headers = {k.lower(): v for k, v in request.headers.items()}
    length = headers.get("content-length", "")
    limit = ctx.config.file_size_limit
    if not (length.isdigit() and int(length) <= SMALL_BODY):
        bucket = await load_bucket(ctx, bucket_id)
        limit = size_limit(ctx, bucket)
    staged = await stage(headers, request.stream(), ctx.backend.staging_dir, limit)
    written = await commit_staged(ctx, caller, bucket_id, name, staged, upsert=upsert, owner=owner)
    return json_response({"Id": written.object_id, "Key": f"{bucket_id}/{name}"})


@endpoint
async def upload(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    bucket_id, name = _target(request)
    return await receive_object(ctx, request, caller, bucket_id, name, upsert=header_upsert(request),
                                owner=caller.user_id)


@endpoint
async def replace(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    bucket_id, name = _target(request)
    async with as_caller(ctx.pool, caller, readonly=True) as conn:
        if await conn.fetchrow(queries.FIND_OBJECT, bucket_id, name) is None:
            raise errors.no_such_key()
    return await receive_object(ctx, request, caller, bucket_id, name, upsert=True, owner=caller.user_id)


async def find_stored(ctx: Context, caller: Caller, bucket_id: str, name: str) -> Stored:
    async with as_caller(ctx.pool, caller, readonly=True) as conn:
        row = await conn.fetchrow(queries.FIND_OBJECT, bucket_id, name)
    if row is None:
        raise errors.no_such_key()
    return Stored.from_row(row, name)


async def find_public(ctx: Context, bucket_id: str, name: str) -> Stored:
    async with as_caller(ctx.pool, service_caller(), readonly=True) as conn:
        row = await conn.fetchrow(queries.FIND_PUBLIC_OBJECT, bucket_id, name)
    if row is None or not row["public"]:
        raise errors.no_such_bucket()
    if row["id"] is None:
        raise errors.no_such_key()
    return Stored.from_row(row, name)


@endpoint
async def download(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    bucket_id, name = _target(request)
    return await serve(ctx, request, await find_stored(ctx, caller, bucket_id, name))


@endpoint
async def download_public(request: Request) -> Response:
    ctx = context_of(request)
    bucket_id, name = _target(request)
    return await serve(ctx, request, await find_public(ctx, bucket_id, name))


def info_json(row: Any) -> dict:
    meta = row["metadata"] or {}
    return {"id": row["id"], "version": row["version"], "name": row["name"], "bucket_id": row["bucket_id"],
            "size": meta.get("size"), "content_type": meta.get("mimetype"), "cache_control": meta.get("cacheControl"),
            "etag": meta.get("eTag"), "metadata": row["user_metadata"] or {}, "last_modified": meta.get("lastModified"),
            "created_at": row["created_at"].isoformat(), "updated_at": row["updated_at"].isoformat(),
            "last_accessed_at": row["last_accessed_at"].isoformat() if row["last_accessed_at"] else None}


@endpoint
async def info(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    bucket_id, name = _target(request)
    async with as_caller(ctx.pool, caller, readonly=True) as conn:
        row = await conn.fetchrow(queries.FIND_OBJECT, bucket_id, name)
    if row is None:
        raise errors.no_such_key()
    return json_response(info_json(row))


@endpoint
async def info_public(request: Request) -> Response:
    ctx = context_of(request)
    bucket_id, name = _target(request)
    await find_public(ctx, bucket_id, name)
    async with as_caller(ctx.pool, service_caller(), readonly=True) as conn:
        row = await conn.fetchrow(queries.FIND_OBJECT, bucket_id, name)
    return json_response(info_json(row))


async def _delete(ctx: Context, caller: Caller, bucket_id: str, names: list[str]) -> list:
    async with as_caller(ctx.pool, caller) as conn:
        rows = await conn.fetch(queries.DELETE_OBJECTS, bucket_id, names)
    await remove_versions(ctx, [(row["id"], row["version"]) for row in rows])
    return [row["json"] for row in rows]


@endpoint
async def delete_many(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    bucket_id = request.path_params["bucket"]
    prefixes = (await json_body(request)).get("prefixes")
    if not isinstance(prefixes, list) or not prefixes or not all(isinstance(p, str) for p in prefixes):
        raise errors.invalid_parameter("prefixes", "prefixes must be a non-empty list of object names")
    if len(prefixes) > 1000:
        raise errors.invalid_parameter("prefixes", "at most 1000 objects can be deleted at once")
    return json_response(await _delete(ctx, caller, bucket_id, prefixes))


@endpoint
async def delete_one(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    bucket_id, name = _target(request)
    if not await _delete(ctx, caller, bucket_id, [name]):
        raise errors.no_such_key()
    return json_response({"message": "Successfully deleted"})


def _move_args(body: dict) -> tuple[str, str, str, str]:
    for field in ("bucketId", "sourceKey", "destinationKey"):
        if not isinstance(body.get(field), str) or not body[field]:
            raise errors.missing_parameter(field)
    destination_bucket = body.get("destinationBucket") or body["bucketId"]
    if not isinstance(destination_bucket, str):
        raise errors.invalid_parameter("destinationBucket")
    return (body["bucketId"], check_key(body["sourceKey"]), check_bucket_id(destination_bucket),
            check_key(body["destinationKey"]))


@endpoint
async def move(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    source_bucket, source, target_bucket, target = _move_args(await json_body(request))
    if target_bucket != source_bucket:
        await load_bucket(ctx, target_bucket)
    # Bytes are filed by object id, so a move (even across buckets) is only the row changing name.
    async with as_caller(ctx.pool, caller) as conn:
        for bucket, key in sorted([(source_bucket, source), (target_bucket, target)]):
            await conn.execute(queries.LOCK_KEY, bucket, key)
        try:
            async with conn.transaction():
                moved = await conn.fetchval(queries.MOVE_OBJECT, source_bucket, source, target_bucket, target)
        except errors.asyncpg.UniqueViolationError:
            raise errors.key_exists() from None
        if moved is None:
            raise errors.no_such_key()
    return json_response({"message": "Successfully moved"})


@endpoint
async def copy(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    body = await json_body(request)
    source_bucket, source, target_bucket, target = _move_args(body)
    async with as_caller(ctx.pool, caller, readonly=True) as conn:
        row = await conn.fetchrow(queries.FIND_OBJECT, source_bucket, source)
    if row is None:
        raise errors.no_such_key()
    stored = Stored.from_row(row, source)

    def check(bucket: Bucket) -> None:
        if stored.size > size_limit(ctx, bucket):
            raise errors.entity_too_large()
        check_mime(bucket, stored.content_type)

    metadata = dict(row["metadata"] or {})
    user_metadata = row["user_metadata"]
    if isinstance(body.get("metadata"), dict):
        user_metadata = body["metadata"]

    async def place(object_id: str, version: str) -> None:
        await ctx.backend.copy((stored.object_id, stored.version), (object_id, version))

    written = await commit_object(ctx, caller, target_bucket, target, metadata, user_metadata,
                                  upsert=header_upsert(request), owner=caller.user_id, place=place, check=check)
    return json_response({"Id": written.object_id, "Key": f"{target_bucket}/{target}"})
