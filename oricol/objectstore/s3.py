"""Object bytes in an S3-compatible store: key `<prefix>/<id>/<version>` in one configured bucket.

boto3 is synchronous, so every call runs in a thread; uploads use boto3's managed transfer
(multipart above its threshold) from the staged temporary file, downloads stream the body in
chunks, so memory stays flat whatever the object size.
"""
from __future__ import annotations

import asyncio
import os
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, cast

from oricol.config.storage import StorageConfig

from . import CHUNK, is_object_id, scratch


class S3Backend:
    name = "s3"

    def __init__(self, config: StorageConfig):
        self.config = config
        self.bucket = config.s3_bucket
        self.prefix = config.s3_prefix
        self.staging_dir = scratch.process_dir(config.root / "tmp")
        self._client: Any = None  # a boto3 S3 client (boto3 ships no types)

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config as BotoConfig
            self._client = boto3.client(
                "s3", endpoint_url=self.config.s3_endpoint, region_name=self.config.s3_region,
                aws_access_key_id=self.config.s3_access_key, aws_secret_access_key=self.config.s3_secret_key,
                config=BotoConfig(s3={"addressing_style": "path" if self.config.s3_force_path_style else "auto"},
                                  retries={"max_attempts": 3}, max_pool_connections=32))
        return self._client

    def key(self, object_id: str, version: str) -> str:
        return f"{self.prefix}/{object_id}/{version}" if self.prefix else f"{object_id}/{version}"

    async def start(self) -> None:
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        scratch.sweep(self.staging_dir.parent)
        await asyncio.to_thread(lambda: self.client)

    async def store(self, object_id: str, version: str, temp: Path) -> None:
        try:
            await asyncio.to_thread(self.client.upload_file, str(temp), self.bucket, self.key(object_id, version))
        finally:
            try:
                os.unlink(temp)
            except FileNotFoundError:
                pass

    async def read(self, object_id: str, version: str, start: int, end: int) -> AsyncIterator[bytes]:
        response = await asyncio.to_thread(self.client.get_object, Bucket=self.bucket,
                                           Key=self.key(object_id, version), Range=f"bytes={start}-{end}")
        stream = response["Body"]
        try:
            while True:
                chunk = await asyncio.to_thread(stream.read, CHUNK)
                if not chunk:
                    break
                yield chunk
        finally:
            stream.close()

    async def read_small(self, object_id: str, version: str) -> bytes:
        def fetch() -> bytes:
            response = self.client.get_object(Bucket=self.bucket, Key=self.key(object_id, version))
            return cast(bytes, response["Body"].read())
        return await asyncio.to_thread(fetch)

    async def copy(self, src: tuple[str, str], dst: tuple[str, str]) -> None:
        await asyncio.to_thread(self.client.copy, {"Bucket": self.bucket, "Key": self.key(*src)},
                                self.bucket, self.key(*dst))

    async def delete(self, items: list[tuple[str, str]]) -> None:
        keys = [{"Key": self.key(object_id, version)} for object_id, version in items]
        for start in range(0, len(keys), 1000):
            batch = keys[start:start + 1000]
            await asyncio.to_thread(self.client.delete_objects, Bucket=self.bucket,
                                    Delete={"Objects": batch, "Quiet": True})

    @asynccontextmanager
    async def local_file(self, object_id: str, version: str) -> AsyncIterator[Path]:
        handle, name = tempfile.mkstemp(dir=self.staging_dir, prefix="render-")
        os.close(handle)
        try:
            await asyncio.to_thread(self.client.download_file, self.bucket, self.key(object_id, version), name)
            yield Path(name)
        finally:
            os.unlink(name)

    async def inventory(self) -> AsyncIterator[tuple[str, str]]:
        start = f"{self.prefix}/" if self.prefix else ""
        pages = iter(self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start))
        while (page := await asyncio.to_thread(next, pages, None)) is not None:
            for item in page.get("Contents", []):
                object_id, slash, version = item["Key"][len(start):].partition("/")
                if slash and version and "/" not in version and is_object_id(object_id):
                    yield object_id, version

    async def health(self) -> str:
        try:
            await asyncio.to_thread(self.client.head_bucket, Bucket=self.bucket)
            return "up"
        except Exception as error:  # any failure means the store is unreachable
            return f"down: {error.__class__.__name__}"
