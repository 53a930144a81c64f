"""Writing an object: the one protocol that keeps bytes and metadata together.

1. the body is already in a temporary file (staging.py);
2. in one transaction as the caller: lock the key, insert or replace the row (RLS decides), file the
   bytes under a fresh version (a rename on disk, an upload to S3 — invisible until the row commits,
   because readers only find bytes through the row's version);
3. commit; if anything fails the transaction rolls back and the new version's bytes are removed, so
   an aborted upload leaves neither a row nor a file; after the commit the replaced version goes.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Awaitable, Callable

import asyncpg

from oricol.db import Caller, as_caller

from . import errors, queries
from .context import Context, service_caller
from .staging import Staged

log = logging.getLogger("oricol.storage")


@dataclass(frozen=True)
class Written:
    object_id: str
    version: str


@dataclass(frozen=True)
class Bucket:
    id: str
    public: bool
    file_size_limit: int | None
    allowed_mime_types: list[str] | None


def owner_columns(owner: str | None) -> tuple[str | None, str | None]:
    """(owner uuid, owner_id text): the JWT's sub, in the uuid column only when it is one."""
    if not owner:
        return None, None
    try:
        return str(uuid.UUID(owner)), owner
    except ValueError:
        return None, owner


def object_metadata(size: int, md5: str, content_type: str, cache_control: str) -> dict:
    now = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"eTag": f'"{md5}"', "size": size, "mimetype": content_type, "cacheControl": cache_control,
            "lastModified": now, "contentLength": size, "httpStatusCode": 200}


async def load_bucket(ctx: Context, bucket_id: str) -> Bucket:
    row = await _bucket_row(ctx, bucket_id)
    if row is None:
        raise errors.no_such_bucket()
    return Bucket(row["id"], row["public"], row["file_size_limit"], row["allowed_mime_types"])


async def _bucket_row(ctx: Context, bucket_id: str) -> asyncpg.Record | None:
    async with as_caller(ctx.pool, service_caller(), readonly=True) as conn:
        return await conn.fetchrow(queries.BUCKET_LIMITS, bucket_id)


def size_limit(ctx: Context, bucket: Bucket) -> int:
    limit = ctx.config.file_size_limit
    return min(limit, bucket.file_size_limit) if bucket.file_size_limit else limit


def mime_of(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def check_mime(bucket: Bucket, content_type: str) -> None:
    allowed = bucket.allowed_mime_types
    if not allowed:
        return
    mime = mime_of(content_type)
    family = mime.split("/", 1)[0]
    for pattern in allowed:
        pattern = pattern.strip().lower()
        if pattern in (mime, "*/*", "*") or (pattern.endswith("/*") and pattern[:-2] == family):
            return
    raise errors.invalid_mime_type(content_type)


async def write_row(conn: asyncpg.Connection, bucket_id: str, name: str, owner: str | None, metadata: dict,
                    user_metadata: dict | None, version: str, *, upsert: bool,
                    new_id: str | None = None) -> tuple[str, tuple[str, str] | None]:
    """Inserts or replaces the row of `name`; returns its id and the replaced (id, version) if any.

    A new key takes one statement. On a conflict the existing row is locked (so two writers of one
    key queue up and each knows exactly which version it replaced) and replaced when upserting."""
    owner_uuid, owner_id = owner_columns(owner)
    object_id = await conn.fetchval(queries.INSERT_NEW_OBJECT, bucket_id, name, owner_uuid, owner_id, metadata,
                                    user_metadata, version, new_id)
    if object_id is not None:
        return object_id, None
    existing = await conn.fetchrow(queries.FIND_FOR_UPDATE, bucket_id, name)
    if existing is None or not upsert:
        raise errors.key_exists()  # present, but not visible to the caller or not to be replaced
    object_id = await conn.fetchval(queries.REPLACE_OBJECT, existing["id"], owner_uuid, owner_id, metadata,
                                    user_metadata, version)
    if object_id is None:
        raise errors.access_denied()
    return object_id, (existing["id"], existing["version"])


async def bucket_in_transaction(conn: asyncpg.Connection, bucket_id: str) -> Bucket:
    row = await conn.fetchrow(queries.BUCKET_LIMITS_AS_CALLER, bucket_id)
    if row is None:
        raise errors.no_such_bucket()
    return Bucket(row["id"], row["public"], row["file_size_limit"], row["allowed_mime_types"])


async def commit_object(ctx: Context, caller: Caller, bucket_id: str, name: str, metadata: dict,
                        user_metadata: dict | None, *, upsert: bool, owner: str | None,
                        place: Callable[[str, str], Awaitable[None]],
                        discard: Callable[[], None] = lambda: None,
                        check: Callable[[Bucket], None] | None = None,
                        fast: tuple[int, str] | None = None) -> Written:
    """Runs the write protocol; `place(object_id, version)` files the bytes, after `check(bucket)` has
    seen the bucket's limits as they are in the write transaction.

    On disk, filing is a rename and happens inside the transaction. Uploading to S3 takes as long as
    the object is big, so there the bytes go first, under a fresh id no reader can know, and the row
    takes that id (an upsert of an existing row gets a server-side copy under its id instead): no
    transaction or pooled connection is held while gigabytes travel."""
    version = str(uuid.uuid4())
    early_id = str(uuid.uuid4()) if ctx.backend.name == "s3" else None
    placed: list[tuple[str, str]] = []
    try:
        if early_id is not None:
            await place(early_id, version)
            placed.append((early_id, version))
        async with as_caller(ctx.pool, caller) as conn:
            object_id, replaced = None, None
            if fast is not None:  # (size, mime): try the one-statement insert first
                owner_uuid, owner_id = owner_columns(owner)
                object_id = await conn.fetchval(queries.INSERT_WITHIN_LIMITS, bucket_id, name, owner_uuid, owner_id,
                                                metadata, user_metadata, version, early_id, *fast)
            if object_id is None:
                if check is not None:
                    check(await bucket_in_transaction(conn, bucket_id))
                object_id, replaced = await write_row(conn, bucket_id, name, owner, metadata, user_metadata,
                                                      version, upsert=upsert, new_id=early_id)
            if early_id is None:
                await place(object_id, version)
                placed.append((object_id, version))
            elif object_id != early_id:
                await ctx.backend.copy((early_id, version), (object_id, version))
                placed.append((object_id, version))
    except BaseException:
        discard()
        if placed:
            await _remove(ctx, placed)
        raise
    leftovers = [item for item in placed if item[0] != object_id]
    if replaced is not None:
        leftovers.append(replaced)
    await remove_versions(ctx, leftovers)
    return Written(object_id, version)


async def commit_staged(ctx: Context, caller: Caller, bucket_id: str, name: str, staged: Staged, *,
                        upsert: bool, owner: str | None) -> Written:
    metadata = object_metadata(staged.size, staged.md5, staged.content_type, staged.cache_control)

    def check(bucket: Bucket) -> None:
        if staged.size > size_limit(ctx, bucket):
            raise errors.entity_too_large()
        check_mime(bucket, staged.content_type)

    async def place(object_id: str, version: str) -> None:
        await ctx.backend.store(object_id, version, staged.path)

    return await commit_object(ctx, caller, bucket_id, name, metadata, staged.user_metadata, upsert=upsert,
                               owner=owner, place=place, discard=staged.discard, check=check,
                               fast=(staged.size, mime_of(staged.content_type)))


async def _remove(ctx: Context, items: list[tuple[str, str]]) -> None:
    try:
        await ctx.backend.delete(items)
    except Exception:  # the rows are gone; an orphaned version costs space, not correctness
        log.exception("could not remove object versions", extra={"count": len(items)})
    _forget_variants(ctx, items)


def _forget_variants(ctx: Context, items: list[tuple[str, str]]) -> None:
    """Removes cached image variants of versions that no longer exist."""
    cache = ctx.config.root / "cache" / "render"
    for object_id, version in items:
        folder = cache / object_id[:2]
        if folder.is_dir():
            for variant in folder.glob(f"{object_id}.{version}.*"):
                variant.unlink(missing_ok=True)


async def remove_versions(ctx: Context, items: list[tuple[str, str]]) -> None:
    if items:
        await _remove(ctx, items)


class _Probe(Exception):
    """Rolls back the probe transaction of `check_can_write`."""


async def check_can_write(ctx: Context, caller: Caller, bucket_id: str, name: str, *, upsert: bool) -> None:
    """Asks PostgreSQL whether `caller` could write this key (before any byte is accepted): the row is
    written as a real upload would write it, then rolled back."""
    try:
        async with as_caller(ctx.pool, caller) as conn:
            await write_row(conn, bucket_id, name, caller.user_id, {}, None, "probe", upsert=upsert)
            raise _Probe()
    except _Probe:
        return
