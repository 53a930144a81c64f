"""Request bodies streamed to a temporary file: raw bodies and multipart/form-data as the clients send.

Nothing is held in memory beyond one buffer (1 MiB); the size limit is enforced while the bytes
arrive, and the temporary file is removed on any failure. The MD5 (Storage's ETag) is computed on
the way through.
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import errno
import hashlib
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, AsyncIterator

import orjson
from python_multipart.multipart import MultipartParser, parse_options_header

from . import errors

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks  # a TypedDict the module defines for checkers only

FLUSH_AT = 1024 * 1024
MAX_FIELD = 64 * 1024
DEFAULT_CONTENT_TYPE = "application/octet-stream"


@dataclass
class Staged:
    """A body waiting in a temporary file for its metadata row to commit."""

    path: Path
    size: int = 0
    md5: str = ""
    content_type: str = DEFAULT_CONTENT_TYPE
    cache_control: str = "no-cache"
    user_metadata: dict | None = None

    def discard(self) -> None:
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


class TempWriter:
    """Appends to a fresh temporary file with a byte limit; large writes go through a thread."""

    def __init__(self, staging_dir: Path, limit: int):
        self.path = staging_dir / f"up-{uuid.uuid4().hex}"
        self.handle = open(self.path, "wb")
        self.limit = limit
        self.size = 0
        self.digest = hashlib.md5()
        self.buffer = bytearray()

    async def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise errors.entity_too_large()
        self.digest.update(data)
        self.buffer += data
        if len(self.buffer) >= FLUSH_AT:
            chunk, self.buffer = bytes(self.buffer), bytearray()
            await asyncio.to_thread(self.handle.write, chunk)

    async def finish(self) -> Staged:
        if self.buffer:
            if len(self.buffer) >= FLUSH_AT // 4:
                await asyncio.to_thread(self.handle.write, bytes(self.buffer))
            else:
                self.handle.write(self.buffer)
            self.buffer = bytearray()
        self.handle.close()
        return Staged(path=self.path, size=self.size, md5=self.digest.hexdigest())

    def abort(self) -> None:
        self.handle.close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


def _user_metadata(text: str | bytes | None) -> dict | None:
    if not text:
        return None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise errors.invalid_parameter("metadata", "metadata must be a JSON object") from None
    if not isinstance(value, dict):
        raise errors.invalid_parameter("metadata", "metadata must be a JSON object")
    return value


def _cache_control(value: str | None, *, from_form: bool) -> str:
    if not value:
        return "no-cache"
    if from_form:  # the clients send the seconds alone in the form ("3600")
        return f"max-age={value}" if value.isdigit() else value
    return value


async def stage(headers: dict[str, str], stream: AsyncIterator[bytes], staging_dir: Path, limit: int) -> Staged:
    """The request body in a temporary file, with its content type, cache control and metadata."""
    length = headers.get("content-length")
    content_type = headers.get("content-type", "")
    is_form = content_type.lower().startswith("multipart/form-data")
    if length and length.isdigit() and int(length) > limit + (MAX_FIELD * 2 if is_form else 0):
        raise errors.entity_too_large()
    writer = TempWriter(staging_dir, limit)
    try:
        if is_form:
            staged = await _stage_form(content_type, stream, writer)
        else:
            async for chunk in stream:
                if chunk:
                    await writer.write(chunk)
            staged = await writer.finish()
            staged.content_type = content_type or DEFAULT_CONTENT_TYPE
            staged.cache_control = _cache_control(headers.get("cache-control"), from_form=False)
            staged.user_metadata = _user_metadata(_decode_base64(headers.get("x-metadata")))
    except OSError as error:
        writer.abort()
        if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise errors.insufficient_storage() from None
        raise
    except BaseException:
        writer.abort()
        raise
    return staged


def _decode_base64(value: str | None) -> bytes | None:
    if not value:
        return None
    try:
        return base64.b64decode(value, validate=False)
    except (binascii.Error, ValueError):
        raise errors.invalid_parameter("x-metadata", "x-metadata must be base64 JSON") from None


@dataclass
class _FormState:
    writer: TempWriter
    fields: dict[str, bytearray] = field(default_factory=dict)
    header_field: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    part_headers: dict[str, str] = field(default_factory=dict)
    target: str | None = None     # "file", a field name, or None (ignored part)
    file_type: str | None = None
    file_seen: bool = False
    pending: list[bytes] = field(default_factory=list)


async def _stage_form(content_type: str, stream: AsyncIterator[bytes], writer: TempWriter) -> Staged:
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise errors.invalid_request("multipart body without a boundary")
    state = _FormState(writer=writer)
    parser = MultipartParser(boundary, _callbacks(state))
    async for chunk in stream:
        if not chunk:
            continue
        try:
            parser.write(chunk)
        except errors.ApiError:
            raise
        except Exception:
            raise errors.invalid_request("malformed multipart body") from None
        for data in state.pending:
            await writer.write(data)
        state.pending.clear()
    parser.finalize()
    if not state.file_seen:
        raise errors.invalid_request("No content provided")
    staged = await writer.finish()
    staged.content_type = state.file_type or DEFAULT_CONTENT_TYPE
    cache = state.fields.get("cacheControl")
    staged.cache_control = _cache_control(cache.decode() if cache else None, from_form=True)
    meta = state.fields.get("metadata")
    staged.user_metadata = _user_metadata(bytes(meta) if meta else None)
    return staged


def _callbacks(state: _FormState) -> MultipartCallbacks:
    def on_part_begin() -> None:
        state.part_headers = {}
        state.target = None

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state.header_field += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state.header_value += data[start:end]

    def on_header_end() -> None:
        state.part_headers[state.header_field.decode("latin-1").lower()] = state.header_value.decode("latin-1")
        state.header_field.clear()
        state.header_value.clear()

    def on_headers_finished() -> None:
        _, disposition = parse_options_header(state.part_headers.get("content-disposition", ""))
        name = disposition.get(b"name", b"").decode("utf-8", "replace")
        # The file is the first part with a filename (supabase-js names the field "", storage3 "file").
        if b"filename" in disposition and not state.file_seen:
            state.target, state.file_seen = "file", True
            state.file_type = state.part_headers.get("content-type") or DEFAULT_CONTENT_TYPE
        elif name and name not in state.fields:
            state.target = name
            state.fields[name] = bytearray()

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state.target == "file":
            state.pending.append(bytes(data[start:end]))
        elif state.target is not None:
            value = state.fields[state.target]
            value += data[start:end]
            if len(value) > MAX_FIELD:
                raise errors.invalid_request(f"form field {state.target} is too large")

    return {"on_part_begin": on_part_begin, "on_header_field": on_header_field,
            "on_header_value": on_header_value, "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished, "on_part_data": on_part_data}
