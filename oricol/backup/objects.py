"""Storage object bytes in and out of a backup, through the storage service's backend interface
(`oricol.objectstore`: the local disk or an S3-compatible store).

Bytes are filed by (object id, version) and every version is written once, never changed, so a copy
is never torn. In the backup each version is `objects/<id[:2]>/<id>.<version>`, whatever the backend.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from oricol.config import Config
from oricol.objectstore import Backend, make_backend

from . import manifest as manifest_file

OBJECTS_DIR = "objects"


def open_backend(config: Config) -> Backend:
    return make_backend(config.storage)


def _missing(error: Exception) -> bool:
    """No bytes for this version: a missing file on disk, a 404 from S3 (anything else is a failure)."""
    if isinstance(error, FileNotFoundError):
        return True
    response = getattr(error, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return str(code) in ("404", "NoSuchKey", "NotFound")


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link is instant (the storage lock is held meanwhile) and keeps the bytes even if storage
    deletes the version a moment later; `detach` makes it a copy after the lock is released. Across
    file systems we copy at once."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def object_file(object_id: str, version: str) -> str:
    return f"{OBJECTS_DIR}/{object_id[:2]}/{object_id}.{version}"


async def pin(backend: Backend, rows: list[tuple[str, str]], folder: Path) -> tuple[list[dict], list[dict]]:
    """Links (or copies) each version's bytes into the backup. Returns (objects, missing)."""
    objects, missing = [], []
    for object_id, version in rows:
        relative = object_file(object_id, version)
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            async with backend.local_file(object_id, version) as source:
                await asyncio.to_thread(_link_or_copy, source, target)
        except Exception as error:
            if not _missing(error):
                raise
            missing.append({"id": object_id, "version": version, "error": error.__class__.__name__})
            continue
        objects.append({"id": object_id, "version": version, "file": relative})
    return objects, missing


def _own_copy(path: Path) -> None:
    if path.stat().st_nlink > 1:
        temp = path.with_name(path.name + ".copy")
        shutil.copyfile(path, temp)
        os.replace(temp, path)


async def detach(folder: Path, objects: list[dict]) -> None:
    """Turns the hard links into copies of their own: a backup must not share its bytes (and so any
    later damage to them) with the live files."""
    for item in objects:
        await asyncio.to_thread(_own_copy, folder / item["file"])


def describe(folder: Path, objects: list[dict]) -> list[dict]:
    return [manifest_file.describe_file(folder, item["file"]) for item in objects]


async def place(backend: Backend, folder: Path, objects: list[dict],
                progress: Callable[[int, int], None] | None = None) -> None:
    """Files every backed-up version through the backend (a temporary copy it takes ownership of)."""
    await backend.start()
    for index, item in enumerate(objects, 1):
        handle, temp = tempfile.mkstemp(dir=backend.staging_dir, prefix="restore-")
        os.close(handle)
        await asyncio.to_thread(shutil.copyfile, folder / item["file"], temp)
        await backend.store(item["id"], item["version"], Path(temp))
        if progress:
            progress(index, len(objects))


def kept_versions(manifest: dict) -> set[tuple[str, str]]:
    """What the restored rows point at: the backed-up versions, and the versions whose bytes were already
    missing when the backup was taken (if they have turned up since, they are that version's bytes)."""
    kept = {(item["id"], item["version"]) for item in manifest.get("objects", [])}
    missing = manifest.get("storage", {}).get("missing", [])
    return kept | {(item["id"], item["version"]) for item in missing if item.get("version")}


async def remove_unlisted(backend: Backend, keep: set[tuple[str, str]]) -> int:
    """Deletes, through the backend, every version it holds that is not in `keep`, so the store holds
    exactly the backup's objects: bytes uploaded after the backup would otherwise stay behind, billed
    and unreachable. Listed in full before the first delete, so the listing never sees its own deletes."""
    stray = [item async for item in backend.inventory() if item not in keep]
    await backend.delete(stray)
    return len(stray)
