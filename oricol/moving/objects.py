"""The storage half of an import: every object's bytes, fetched from the source project's Storage API
with its service key and filed in our object store under the object's id and version.

Resumable by construction: an object whose (id, version) the store already holds is not fetched again,
so a second run after an interruption continues where the first stopped. Each object's bytes are
checked against the source's size and MD5 ETag (Storage API v1 stores `"<md5>"` for single uploads)
before they are filed.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import httpx

from oricol.objectstore import Backend

Progress = Callable[[str], None]


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


async def _fetch(http: httpx.AsyncClient, base: str, item: Wanted, staging: Path) -> tuple[Path, int, str]:
    url = f"{base}/object/authenticated/{quote(item.bucket, safe='')}/{quote(item.name, safe='/')}"
    handle, temp = tempfile.mkstemp(dir=staging, prefix="import-")
    digest, size = hashlib.md5(), 0
    try:
        with os.fdopen(handle, "wb") as out:
            async with http.stream("GET", url) as response:
                if response.status_code != 200:
                    await response.aread()
                    raise RuntimeError(f"the source answered {response.status_code}: {response.text[:200]}")
                async for chunk in response.aiter_bytes():
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
    except BaseException:
        os.unlink(temp)
        raise
    return Path(temp), size, digest.hexdigest()


async def copy_objects(items: list[Wanted], backend: Backend, storage_url: str, service_key: str,
                       progress: Progress) -> Outcome:
    base = storage_api(storage_url)
    held = await _held(backend)
    outcome = Outcome(failed=[])
    total = sum(i.size for i in items)
    headers = {"apikey": service_key, "authorization": f"Bearer {service_key}"}
    async with httpx.AsyncClient(headers=headers, timeout=httpx.Timeout(60.0, connect=10.0)) as http:
        for number, item in enumerate(items, 1):
            if (item.id, item.version) in held:
                outcome.already_here += 1
                continue
            try:
                temp, size, md5 = await _fetch(http, base, item, backend.staging_dir)
            except (httpx.HTTPError, RuntimeError) as error:
                outcome.failed.append((f"{item.bucket}/{item.name}", str(error)))
                continue
            expected = md5_of_etag(item.etag)
            if (item.size and size != item.size) or (expected and md5 != expected):
                os.unlink(temp)
                outcome.failed.append((f"{item.bucket}/{item.name}",
                                       f"bytes differ from the source's record (size {size} vs {item.size})"))
                continue
            await backend.store(item.id, item.version, temp)
            outcome.fetched += 1
            outcome.bytes += size
            progress(f"objects: {number}/{len(items)}, {_mb(outcome.bytes)} of {_mb(total)}")
    return outcome


def _mb(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB"
