"""A backup taken while a writer commits rows and replaces storage objects holds one consistent moment:
every transaction committed before it began, none half, and the bytes of every object version it names."""
from __future__ import annotations

import asyncio
import json
import os
import tempfile
import uuid
from pathlib import Path

import asyncpg

from oricol.backup import dump, manifest, objects, tools
from tests.support.stack import config_for

LINES_PER_ORDER = 3


def content(object_id: str, version: str) -> bytes:
    return f"{object_id}:{version}\n".encode() * 200


class Writer:
    """Each transaction adds order i with its lines and a new object `obj-i`, and replaces the object
    `hot` with a fresh version, the way storage does: bytes first, row in the transaction, old bytes
    deleted after the commit."""

    def __init__(self, url: str, backend):
        self.url = url
        self.backend = backend
        self.committed = 0
        self.stop = asyncio.Event()

    async def put(self, object_id: str, version: str) -> None:
        handle, temp = tempfile.mkstemp(dir=self.backend.staging_dir)
        with os.fdopen(handle, "wb") as out:
            out.write(content(object_id, version))
        await self.backend.store(object_id, version, Path(temp))

    async def run(self) -> None:
        conn = await asyncpg.connect(self.url)
        try:
            hot_id, hot_version = str(uuid.uuid4()), str(uuid.uuid4())
            await self.put(hot_id, hot_version)
            await conn.execute("insert into storage.objects (id, bucket_id, name, version) values ($1, 'b', 'hot', $2)",
                               hot_id, hot_version)
            i = 0
            while not self.stop.is_set():
                i += 1
                new_id, new_version, next_hot = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
                await self.put(new_id, new_version)
                await self.put(hot_id, next_hot)
                async with conn.transaction():
                    await conn.execute("insert into orders (id) values ($1)", i)
                    await conn.executemany("insert into lines (order_id, n) values ($1, $2)",
                                           [(i, n) for n in range(LINES_PER_ORDER)])
                    await conn.execute("insert into storage.objects (id, bucket_id, name, version) "
                                       "values ($1, 'b', $2, $3)", new_id, f"obj-{i}", new_version)
                    await conn.execute("update storage.objects set version = $1 where id = $2", next_hot, hot_id)
                await self.backend.delete([(hot_id, hot_version)])
                hot_version = next_hot
                self.committed = i
                await asyncio.sleep(0)
        finally:
            await conn.close()


async def test_a_backup_under_write_load_is_one_consistent_moment(db_url, admin, pg_server, tmp_path):
    config = config_for(db_url, pg_server.password, tmp_path / "data", ORICOL_BACKUP_DIR=str(tmp_path / "backups"))
    await admin.execute("create table orders (id int primary key); "
                        "create table lines (order_id int not null references orders, n int not null); "
                        "insert into storage.buckets (id, name) values ('b', 'b')")
    backend = objects.open_backend(config)
    await backend.start()
    writer = Writer(db_url, backend)
    task = asyncio.create_task(writer.run())
    while writer.committed < 20:
        await asyncio.sleep(0.02)
    committed_before = writer.committed
    written = await dump.create(config, db_url)
    after_backup = writer.committed
    while writer.committed < after_backup + 20:  # the writer goes on, replacing and deleting versions
        await asyncio.sleep(0.02)
    writer.stop.set()
    await task

    verified = manifest.verify(written.path)
    assert verified.manifest["storage"]["missing"] == []
    restored = f"r_{uuid.uuid4().hex[:10]}"
    await admin.execute(f'create database "{restored}" template template0')
    try:
        await tools.run("pg_restore", "--exit-on-error", str(written.path / dump.DUMP),
                        url=pg_server.url_for(restored))
        conn = await asyncpg.connect(pg_server.url_for(restored))
        try:
            ids = [r["id"] for r in await conn.fetch("select id from orders order by id")]
            lines = await conn.fetchval("select count(*) from lines")
            rows = await conn.fetch("select id::text, name, version from storage.objects")
        finally:
            await conn.close()
    finally:
        await admin.execute(f'drop database "{restored}"')

    k = len(ids)
    assert ids == list(range(1, k + 1)), "not a prefix of the committed transactions"
    assert committed_before <= k < writer.committed, (committed_before, k, writer.committed)
    assert lines == LINES_PER_ORDER * k, "a transaction is in the dump only in part"
    assert sorted(r["name"] for r in rows) == sorted(["hot"] + [f"obj-{i}" for i in ids])
    listed = {item["file"] for item in verified.manifest["objects"]}
    assert len(listed) == len(rows)
    for row in rows:
        relative = objects.object_file(row["id"], row["version"])
        assert relative in listed
        assert (written.path / relative).read_bytes() == content(row["id"], row["version"]), row["name"]
    assert json.loads((written.path / manifest.NAME).read_text())["database"]["name"] == tools.database_of(db_url)
