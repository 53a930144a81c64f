"""Storage object bytes in and out of a backup, through the storage service's backend interface
(`oricol.storage.backends`: the local disk or an S3-compatible store).

Bytes are filed by (object id, version) and every version is written once, never changed, so a copy
is never torn. In the backup each version is `objects/<id[:2]>/<id>.<version>`, whatever the backend.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

from oricol.config import Config
from oricol.storage.backends import Backend, make_backend

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


async def pin(backend, rows: list[tuple[str, str]], folder: Path) -> tuple[list[dict], list[dict]]:
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


async def place(backend, folder: Path, objects: list[dict], progress=None) -> None:
    """Files every backed-up version through the backend (a temporary copy it takes ownership of)."""
    await backend.start()
    for index, item in enumerate(objects, 1):
        handle, temp = tempfile.mkstemp(dir=backend.staging_dir, prefix="restore-")
        os.close(handle)
        await asyncio.to_thread(shutil.copyfile, folder / item["file"], temp)
        await backend.store(item["id"], item["version"], Path(temp))
        if progress:
            progress(index, len(objects))


def remove_unlisted(backend, objects: list[dict]) -> int:
    """On disk, bytes no restored row points at are removed, so the folder holds exactly the backup.
    (Other backends keep them: unreachable without a row, and their interface lists nothing.)"""
    root = getattr(backend, "objects", None)
    if backend.name != "disk" or root is None or not Path(root).is_dir():
        return 0
    keep = {f"{item['id']}.{item['version']}" for item in objects}
    removed = 0
    for path in Path(root).glob("*/*"):
        if path.is_file() and path.name not in keep:
            path.unlink()
            removed += 1
    return removed
