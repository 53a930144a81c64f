"""Resumable uploads with the TUS 1.0.0 protocol at /upload/resumable (creation, expiration, termination).

POST creates an upload (metadata `bucketName`, `objectName`, `contentType`, `cacheControl`,
`metadata`; header `x-upsert`) after checking the bucket's limits and that the caller may write the
key; PATCH appends at `Upload-Offset`; HEAD reports the offset. Bytes received before a dropped
connection are kept, so a client resumes where the server's offset says. The last PATCH commits the
object through the normal write protocol (store.py) as that caller. Uploads not finished before
they expire are removed by a sweeper.

The partial bytes live in `<storage dir>/resumable/<id>` on the node that received them (with
several nodes, route an upload's requests to one node, or share that directory). The workers of one node
share the folder, and a file lock keeps their appends to one upload in order.
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import fcntl
import hashlib
import logging
import os
import secrets
from datetime import timezone
from email.utils import format_datetime
from pathlib import Path

import orjson
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from oricol.db import as_caller

from . import errors
from .context import Context, caller_of, context_of, service_caller
from .http import header_upsert, tus_endpoint
from .keys import check_bucket_id, check_key
from .store import check_can_write, check_mime, commit_object, load_bucket, object_metadata, size_limit

log = logging.getLogger("oricol.storage.tus")

VERSION = "1.0.0"
EXTENSIONS = "creation,creation-with-upload,expiration,termination"
FLUSH_AT = 1024 * 1024

CREATE = """
insert into storage.oricol_resumable_uploads (id, bucket_id, name, owner, upload_length, upsert, content_type,
  cache_control, user_metadata, expires_at)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, now() + make_interval(secs => $10))"""
FIND = "select *, expires_at < now() as expired from storage.oricol_resumable_uploads where id = $1"
FORGET = "delete from storage.oricol_resumable_uploads where id = $1"
EXPIRED = "delete from storage.oricol_resumable_uploads where expires_at < now() returning id"

_locks: dict[str, asyncio.Lock] = {}


def _tus_headers(**extra: str) -> dict[str, str]:
    return {"Tus-Resumable": VERSION, **extra}


def _part_path(ctx: Context, upload_id: str) -> Path:
    return ctx.config.root / "resumable" / upload_id


def _parse_metadata(header: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in header.split(","))):
        key, _, encoded = item.partition(" ")
        try:
            values[key] = base64.b64decode(encoded, validate=True).decode("utf-8") if encoded else ""
        except (binascii.Error, UnicodeDecodeError):
            raise errors.tus_error(400, f"Upload-Metadata value of {key} is not base64") from None
    return values


def _expires(row) -> str:
    return format_datetime(row["expires_at"].astimezone(timezone.utc), usegmt=True)


async def options(request: Request) -> Response:
    ctx = context_of(request)
    return Response(status_code=204, headers=_tus_headers(**{
        "Tus-Version": VERSION, "Tus-Extension": EXTENSIONS, "Tus-Max-Size": str(ctx.config.file_size_limit)}))


@tus_endpoint
async def create(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    length = request.headers.get("upload-length", "")
    if not length.isdigit():
        raise errors.tus_error(400, "Upload-Length header is required (deferred length is not supported)")
    meta = _parse_metadata(request.headers.get("upload-metadata", ""))
    bucket_id = check_bucket_id(meta.get("bucketName", ""))
    name = check_key(meta.get("objectName", ""))
    bucket = await load_bucket(ctx, bucket_id)
    if int(length) > size_limit(ctx, bucket):
        raise errors.entity_too_large()
    content_type = meta.get("contentType") or "application/octet-stream"
    check_mime(bucket, content_type)
    try:
        user_metadata = orjson.loads(meta["metadata"]) if meta.get("metadata") else None
    except orjson.JSONDecodeError:
        raise errors.invalid_parameter("metadata", "metadata must be JSON") from None
    cache = meta.get("cacheControl") or "no-cache"
    cache = f"max-age={cache}" if cache.isdigit() else cache
    upsert = header_upsert(request)
    await check_can_write(ctx, caller, bucket_id, name, upsert=upsert)
    upload_id = secrets.token_urlsafe(24)
    path = _part_path(ctx, upload_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    async with as_caller(ctx.pool, service_caller()) as conn:
        await conn.execute(CREATE, upload_id, bucket_id, name, caller.user_id, int(length), upsert, content_type,
                           cache, user_metadata, float(ctx.config.resumable_expiry))
        row = await conn.fetchrow(FIND, upload_id)
    location = f"{str(request.base_url).rstrip('/')}/upload/resumable/{upload_id}"
    headers = _tus_headers(Location=location, **{"Upload-Expires": _expires(row), "Upload-Offset": "0"})
    if request.headers.get("content-type") == "application/offset+octet-stream":
        offset = await _append(ctx, request, row, 0)
        headers["Upload-Offset"] = str(offset)
    return Response(status_code=201, headers=headers)


async def _find(ctx: Context, request: Request):
    upload_id = request.path_params["upload_id"]
    async with as_caller(ctx.pool, service_caller(), readonly=True) as conn:
        row = await conn.fetchrow(FIND, upload_id)
    if row is None or not _part_path(ctx, upload_id).exists():
        raise errors.tus_error(404, "Upload not found")
    if row["expired"]:
        await _forget(ctx, upload_id)
        raise errors.tus_error(410, "Upload expired")
    caller = caller_of(request)
    if caller.role != "service_role" and row["owner"] != caller.user_id:
        raise errors.tus_error(403, "This upload belongs to someone else")
    return row


@tus_endpoint
async def head(request: Request) -> Response:
    ctx = context_of(request)
    try:
        row = await _find(ctx, request)
    except errors.ApiError as error:
        return Response(status_code=error.status, headers=_tus_headers(**{"Cache-Control": "no-store"}))
    offset = _part_path(ctx, row["id"]).stat().st_size
    return Response(status_code=200, headers=_tus_headers(**{
        "Upload-Offset": str(offset), "Upload-Length": str(row["upload_length"]), "Cache-Control": "no-store",
        "Upload-Expires": _expires(row)}))


@tus_endpoint
async def patch(request: Request) -> Response:
    ctx = context_of(request)
    if request.headers.get("content-type") != "application/offset+octet-stream":
        raise errors.tus_error(415, "Content-Type must be application/offset+octet-stream")
    offset = request.headers.get("upload-offset", "")
    if not offset.isdigit():
        raise errors.tus_error(400, "Upload-Offset header is required")
    row = await _find(ctx, request)
    written = await _append(ctx, request, row, int(offset))
    return Response(status_code=204, headers=_tus_headers(**{"Upload-Offset": str(written),
                                                             "Upload-Expires": _expires(row)}))


@tus_endpoint
async def terminate(request: Request) -> Response:
    ctx = context_of(request)
    row = await _find(ctx, request)
    await _forget(ctx, row["id"])
    return Response(status_code=204, headers=_tus_headers())


async def _append(ctx: Context, request: Request, row, offset: int) -> int:
    """Appends the body at `offset`; commits the object when the upload is complete."""
    upload_id = row["id"]
    lock = _locks.setdefault(upload_id, asyncio.Lock())
    try:
        await asyncio.wait_for(lock.acquire(), timeout=10)
    except TimeoutError:
        raise errors.tus_error(423, "The upload is locked by another request") from None
    held = None
    try:
        path = _part_path(ctx, upload_id)
        held = await _lock_across_processes(path)
        current = path.stat().st_size
        if offset != current:
            raise errors.tus_error(409, f"Upload-Offset {offset} does not match the upload's offset {current}")
        current = await _write_body(request, path, current, row["upload_length"])
        if current == row["upload_length"]:
            await _finish(ctx, request, row, path)
        return current
    finally:
        if held is not None:
            os.close(held)  # releases the flock
        lock.release()
        if not lock.locked():
            _locks.pop(upload_id, None)


async def _lock_across_processes(path: Path, wait: float = 10.0) -> int:
    """An exclusive flock on the partial file: the asyncio lock orders one process's requests, this one the
    workers of a node (they share the folder), so two PATCHes at one offset never both append."""
    fd = os.open(path, os.O_RDONLY)
    deadline = asyncio.get_running_loop().time() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if asyncio.get_running_loop().time() > deadline:
                os.close(fd)
                raise errors.tus_error(423, "The upload is locked by another request") from None
            await asyncio.sleep(0.05)


async def _write_body(request: Request, path: Path, offset: int, length: int) -> int:
    """Appends what arrives; on a dropped connection keeps what was received (that is the resume point)."""
    buffer = bytearray()
    with open(path, "ab") as handle:  # noqa: ASYNC230 - an open is cheap; the writes go to a thread
        try:
            async for chunk in request.stream():
                if offset + len(buffer) + len(chunk) > length:
                    raise errors.tus_error(413, "The body goes past Upload-Length")
                buffer += chunk
                if len(buffer) >= FLUSH_AT:
                    await asyncio.to_thread(handle.write, bytes(buffer))
                    offset += len(buffer)
                    buffer.clear()
        except ClientDisconnect:
            pass
        finally:
            if buffer:
                await asyncio.to_thread(handle.write, bytes(buffer))
                offset += len(buffer)
    return offset


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        while block := handle.read(FLUSH_AT):
            digest.update(block)
    return digest.hexdigest()


async def _finish(ctx: Context, request: Request, row, path: Path) -> None:
    md5 = await asyncio.to_thread(_md5, path)
    metadata = object_metadata(row["upload_length"], md5, row["content_type"], row["cache_control"])
    staged = ctx.backend.staging_dir / f"tus-{row['id']}"
    os.replace(path, staged)  # out of the resumable folder: a retry now finds no partial upload

    async def place(object_id: str, version: str) -> None:
        await ctx.backend.store(object_id, version, staged)

    def discard() -> None:
        staged.unlink(missing_ok=True)

    try:
        await commit_object(ctx, caller_of(request), row["bucket_id"], row["name"], metadata, row["user_metadata"],
                            upsert=row["upsert"], owner=row["owner"], place=place, discard=discard)
    finally:
        await _forget(ctx, row["id"])


async def _forget(ctx: Context, upload_id: str) -> None:
    _part_path(ctx, upload_id).unlink(missing_ok=True)
    async with as_caller(ctx.pool, service_caller()) as conn:
        await conn.execute(FORGET, upload_id)


async def sweep(ctx: Context) -> int:
    """Removes expired uploads (rows and partial files); returns how many."""
    async with as_caller(ctx.pool, service_caller()) as conn:
        expired = [row["id"] for row in await conn.fetch(EXPIRED)]
    for upload_id in expired:
        _part_path(ctx, upload_id).unlink(missing_ok=True)
    return len(expired)


async def sweeper(ctx: Context, every: float = 600) -> None:
    while True:
        try:
            removed = await sweep(ctx)
            if removed:
                log.info("expired resumable uploads removed", extra={"count": removed})
        except Exception:  # keep sweeping; the next round may succeed
            log.exception("resumable upload sweep failed")
        await asyncio.sleep(every)

