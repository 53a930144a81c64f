"""The storage half of an import: every object's bytes, fetched from the source project's Storage API
with its service key (or read from an export's storage folder) and filed in our object store under the
object's id and version.

Resumable by construction: an object whose (id, version) the store already holds is not fetched again,
so a second run after an interruption continues where the first stopped. Each object's bytes are
checked against the source's size and MD5 ETag (Storage API v1 stores `"<md5>"` for single uploads)
before they are filed.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator, Awaitable, BinaryIO, Callable
from urllib.parse import quote

import httpx

from oricol.objectstore import CHUNK, Backend

Progress = Callable[[str], None]


class ObjectsUnreadable(RuntimeError):
    """An export's storage folder without a readable manifest."""


@dataclass(frozen=True)
class Wanted:
    id: str
    version: str
    bucket: str
    name: str
    size: int
    etag: str | None


@dataclass
class Outcome:
    fetched: int = 0
    already_here: int = 0
    bytes: int = 0
    failed: list[tuple[str, str]] | None = None


def storage_api(url: str) -> str:
    """The Storage API base from a project URL or the API URL itself."""
    url = url.rstrip("/")
    return url if url.endswith("/storage/v1") else url + "/storage/v1"


def md5_of_etag(etag: str | None) -> str | None:
    value = (etag or "").strip().strip('"')
    return value.lower() if len(value) == 32 and all(c in "0123456789abcdefABCDEF" for c in value) else None


async def _held(backend: Backend) -> set[tuple[str, str]]:
    return {item async for item in backend.inventory()}


async def _stage(chunks: AsyncIterator[bytes], staging: Path) -> tuple[Path, int, str]:
    """The chunks copied to a temporary file in `staging`, with their size and MD5 (hex); the file is
    removed again when the copy fails."""
    handle, temp = tempfile.mkstemp(dir=staging, prefix="import-")
    digest, size = hashlib.md5(), 0
    try:
        with os.fdopen(handle, "wb") as out:
            async for chunk in chunks:
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
    except BaseException:
        os.unlink(temp)
        raise
    return Path(temp), size, digest.hexdigest()


async def _fetch(http: httpx.AsyncClient, base: str, item: Wanted, staging: Path) -> tuple[Path, int, str]:
    url = f"{base}/object/authenticated/{quote(item.bucket, safe='')}/{quote(item.name, safe='/')}"
    async with http.stream("GET", url) as response:
        if response.status_code != 200:
            await response.aread()
            raise RuntimeError(f"the source answered {response.status_code}: {response.text[:200]}")
        return await _stage(response.aiter_bytes(), staging)


Fetch = Callable[["Wanted", Path], Awaitable[tuple[Path, int, str]]]


async def copy_objects(items: list[Wanted], backend: Backend, storage_url: str, service_key: str,
                       progress: Progress) -> Outcome:
    base = storage_api(storage_url)
    headers = {"apikey": service_key, "authorization": f"Bearer {service_key}"}
    async with httpx.AsyncClient(headers=headers, timeout=httpx.Timeout(60.0, connect=10.0)) as http:
        return await file_objects(items, backend, lambda item, staging: _fetch(http, base, item, staging), progress)


async def copy_objects_from_dir(items: list[Wanted], backend: Backend, folder: Path, progress: Progress) -> Outcome:
    """The bytes from an export's storage folder (<bucket>/<key>), checked against its manifest too."""
    listed = _manifest(folder)

    async def fetch(item: Wanted, staging: Path) -> tuple[Path, int, str]:
        temp, size, md5 = await _read_file(folder, item, staging)
        expected = listed.get((item.bucket, item.name))
        if expected is not None and expected != md5:
            os.unlink(temp)
            raise RuntimeError("bytes differ from the export's manifest (MD5)")
        return temp, size, md5

    return await file_objects(items, backend, fetch, progress)


def _manifest(folder: Path) -> dict[tuple[str, str], str]:
    try:
        listed = json.loads((folder / "manifest.json").read_text())["objects"]
        return {(o["bucket"], o["name"]): o["md5"] for o in listed}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ObjectsUnreadable(f"{folder / 'manifest.json'} cannot be read: {error}") from error


async def _read_file(folder: Path, item: Wanted, staging: Path) -> tuple[Path, int, str]:
    source = folder / item.bucket / item.name
    # A key is a path inside its bucket's folder: never let one climb out of it.
    if not source.resolve().is_relative_to((folder / item.bucket).resolve()):
        raise RuntimeError("the object's key leaves its bucket's folder")
    if not source.is_file():
        raise RuntimeError(f"no file {source}")
    with source.open("rb") as data:
        return await _stage(_file_chunks(data), staging)


async def _file_chunks(data: BinaryIO) -> AsyncIterator[bytes]:
    while chunk := data.read(CHUNK):
        yield chunk


async def file_objects(items: list[Wanted], backend: Backend, fetch: Fetch, progress: Progress) -> Outcome:
    """Fetches what the store lacks, checks size and MD5 against the source's record, files it."""
    held = await _held(backend)
    failed: list[tuple[str, str]] = []
    outcome = Outcome(failed=failed)
    total = sum(i.size for i in items)
    for number, item in enumerate(items, 1):
        if (item.id, item.version) in held:
            outcome.already_here += 1
            continue
        try:
            temp, size, md5 = await fetch(item, backend.staging_dir)
        except (httpx.HTTPError, RuntimeError, OSError) as error:
            failed.append((f"{item.bucket}/{item.name}", str(error)))
            continue
        expected = md5_of_etag(item.etag)
        if (item.size and size != item.size) or (expected and md5 != expected):
            os.unlink(temp)
            failed.append((f"{item.bucket}/{item.name}",
                           f"bytes differ from the source's record (size {size} vs {item.size})"))
            continue
        await backend.store(item.id, item.version, temp)
        outcome.fetched += 1
        outcome.bytes += size
        progress(f"objects: {number}/{len(items)}, {_mb(outcome.bytes)} of {_mb(total)}")
    return outcome


def _mb(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB"
