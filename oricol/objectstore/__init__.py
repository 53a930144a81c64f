"""Where object bytes live, behind one small interface (`Backend`): the local disk or an S3-compatible store.

Bytes are filed by object id and version, never by key: a key is user text and never becomes a
path, and an object that moves between names or buckets keeps its bytes where they are. Every
version is written once and never changed, so a reader streaming an old version is never torn.
"""
from __future__ import annotations

import uuid
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import AsyncIterator, Protocol

from oricol.config.storage import StorageConfig

CHUNK = 1024 * 1024


class Backend(Protocol):
    name: str
    staging_dir: Path  # this process's temporary files (same file system as the bytes for disk)

    async def start(self) -> None: ...

    async def store(self, object_id: str, version: str, temp: Path) -> None:
        """Takes ownership of `temp` and files it as this version (atomically visible or not at all)."""

    def read(self, object_id: str, version: str, start: int, end: int) -> AsyncIterator[bytes]:
        """Bytes start..end inclusive, in chunks."""

    async def read_small(self, object_id: str, version: str) -> bytes: ...

    async def copy(self, src: tuple[str, str], dst: tuple[str, str]) -> None: ...

    async def delete(self, items: list[tuple[str, str]]) -> None:
        """Removes versions; missing ones are not an error."""

    def local_file(self, object_id: str, version: str) -> AbstractAsyncContextManager[Path]:
        """A local path to the bytes (the file itself on disk, a temporary copy from S3)."""

    def inventory(self) -> AsyncIterator[tuple[str, str]]:
        """Every (object id, version) held, in no order. Only names in this backend's own layout with a
        UUID for the object id: anything else beside them (a shared bucket, a stray file) is not ours."""

    async def health(self) -> str: ...


def is_object_id(text: str) -> bool:
    """Object ids are the UUIDs of storage.objects rows, in their canonical text form."""
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


def make_backend(config: StorageConfig) -> Backend:
    if config.backend == "s3":
        from .s3 import S3Backend
        return S3Backend(config)
    from .disk import DiskBackend
    return DiskBackend(config.root)
