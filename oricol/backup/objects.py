"""Storage object bytes in and out of a backup, through the storage service's backend interface.

Bytes are filed by (object id, version) and every version is written once and renamed into place,
so a file is never torn. While storage's own backends (`oricol.storage.backends`) have not landed,
`DiskLayout` below files bytes exactly as the disk backend does:
`<storage dir>/objects/<id[:2]>/<id>.<version>`.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

from oricol.config import Config

from . import manifest as manifest_file

OBJECTS_DIR = "objects"


class DiskLayout:
    """The disk backend's layout: the part of its interface a backup and a restore use."""

    name = "disk"

    def __init__(self, root: Path):
        self.root = root
        self.objects = root / "objects"
        self.staging_dir = root / "tmp"

    async def start(self) -> None:
        for folder in (self.objects, self.staging_dir):
            folder.mkdir(parents=True, exist_ok=True)

    def path(self, object_id: str, version: str) -> Path:
        return self.objects / object_id[:2] / f"{object_id}.{version}"

    async def store(self, object_id: str, version: str, temp: Path) -> None:
        target = self.path(object_id, version)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, target)

    async def delete(self, items: list[tuple[str, str]]) -> None:
        for object_id, version in items:
            self.path(object_id, version).unlink(missing_ok=True)

    @asynccontextmanager
    async def local_file(self, object_id: str, version: str) -> AsyncIterator[Path]:
        yield self.path(object_id, version)


def open_backend(config: Config):
    try:
        from oricol.storage.backends import make_backend  # type: ignore[import-not-found]
    except ImportError:
        return DiskLayout(config.core.data_dir / "storage")
    return make_backend(config.storage)


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
        except (FileNotFoundError, KeyError) as error:
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
