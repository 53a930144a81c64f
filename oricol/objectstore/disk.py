"""Object bytes on the local disk: `<storage dir>/objects/<id[:2]>/<id>.<version>`.

Uploads are staged in `<storage dir>/tmp/<host>.<pid>` on the same file system, so filing one is an atomic
rename; copies are hard links (versions are immutable, so sharing an inode is safe).
"""
from __future__ import annotations

import asyncio
import os
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

from . import CHUNK, is_object_id, scratch


class DiskBackend:
    name = "disk"

    def __init__(self, root: Path):
        self.root = root
        self.objects = root / "objects"
        self.staging_dir = scratch.process_dir(root / "tmp")
        self._made: set[str] = set()  # fan-out folders known to exist (a mkdir per upload is measurable)

    async def start(self) -> None:
        for folder in (self.objects, self.staging_dir):
            folder.mkdir(parents=True, exist_ok=True)
        scratch.sweep(self.staging_dir.parent)

    def path(self, object_id: str, version: str) -> Path:
        return self.objects / object_id[:2] / f"{object_id}.{version}"

    def _folder_for(self, target: Path) -> None:
        if target.parent.name not in self._made:
            target.parent.mkdir(exist_ok=True)
            self._made.add(target.parent.name)

    async def store(self, object_id: str, version: str, temp: Path) -> None:
        target = self.path(object_id, version)
        self._folder_for(target)
        os.replace(temp, target)

    async def read(self, object_id: str, version: str, start: int, end: int) -> AsyncIterator[bytes]:
        path = self.path(object_id, version)
        handle = await asyncio.to_thread(open, path, "rb")
        try:
            handle.seek(start)
            remaining = end - start + 1
            while remaining > 0:
                chunk = await asyncio.to_thread(handle.read, min(CHUNK, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk
        finally:
            handle.close()

    async def read_small(self, object_id: str, version: str) -> bytes:
        # Small files come from the page cache in microseconds: a thread hop would cost more.
        with open(self.path(object_id, version), "rb") as handle:  # noqa: ASYNC230 - deliberate, see above
            return handle.read()

    async def copy(self, src: tuple[str, str], dst: tuple[str, str]) -> None:
        target = self.path(*dst)
        self._folder_for(target)
        try:
            os.link(self.path(*src), target)
        except FileExistsError:
            pass

    async def delete(self, items: list[tuple[str, str]]) -> None:
        for object_id, version in items:
            try:
                os.unlink(self.path(object_id, version))
            except FileNotFoundError:
                pass

    @asynccontextmanager
    async def local_file(self, object_id: str, version: str) -> AsyncIterator[Path]:
        yield self.path(object_id, version)

    async def inventory(self) -> AsyncIterator[tuple[str, str]]:
        if not self.objects.is_dir():
            return
        for folder in await asyncio.to_thread(sorted, os.listdir(self.objects)):
            names = await asyncio.to_thread(_listed, self.objects / folder)
            for name in names:
                object_id, dot, version = name[:36], name[36:37], name[37:]
                if dot == "." and version and object_id[:2] == folder and is_object_id(object_id):
                    yield object_id, version

    async def health(self) -> str:
        return "up" if self.objects.is_dir() else "down: storage directory missing"


def _listed(folder: Path) -> list[str]:
    try:
        return [entry.name for entry in os.scandir(folder) if entry.is_file(follow_symlinks=False)]
    except NotADirectoryError:
        return []
