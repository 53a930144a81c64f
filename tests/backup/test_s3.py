"""Backup and restore when storage keeps its bytes in S3 (moto in server mode): same code path, through
the storage backend interface."""
from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from pathlib import Path

import asyncpg
import botocore.exceptions
import pytest

from oricol.backup import commands, dump, manifest, objects, restore
from tests.storage.conftest import s3_server, s3_settings  # noqa: F401  (the fixture is used by name)
from tests.support.stack import config_for


async def put(backend, data: bytes) -> tuple[str, str]:
    object_id, version = str(uuid.uuid4()), str(uuid.uuid4())
    handle, temp = tempfile.mkstemp(dir=backend.staging_dir)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    await backend.store(object_id, version, Path(temp))
    return object_id, version


async def sql(db_url: str, query: str, *args) -> list:
    conn = await asyncpg.connect(db_url)
    try:
        return await conn.fetch(query, *args)
    finally:
        await conn.close()


async def add_object(db_url: str, backend, name: str, data: bytes) -> tuple[str, str]:
    """Bytes filed the way storage files them, then the row that points at them."""
    object_id, version = await put(backend, data)
    await sql(db_url, "insert into storage.objects (id, bucket_id, name, version) values ($1, 'b', $2, $3)",
              object_id, name, version)
    return object_id, version


async def in_store(backend, item: tuple[str, str]) -> bytes | None:
    try:
        return await backend.read_small(*item)
    except botocore.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] in ("NoSuchKey", "404")
        return None


def settings(db_url, pg_server, tmp_path, s3_server):  # noqa: F811
    prefix = f"backup-{uuid.uuid4().hex[:8]}"  # one moto bucket for the session: each test its own prefix
    return config_for(db_url, pg_server.password, tmp_path / "data", ORICOL_BACKUP_DIR=str(tmp_path / "backups"),
                      **{**s3_settings(s3_server), "ORICOL_STORAGE_S3_PREFIX": prefix})


async def s3_backend(config):
    backend = objects.open_backend(config)
    assert backend.name == "s3"
    await backend.start()
    await sql(config.core.database_url, "insert into storage.buckets (id, name) values ('b', 'b')")
    return backend


async def test_backup_and_restore_with_the_s3_backend(db_url, pg_server, tmp_path, s3_server):  # noqa: F811
    config = settings(db_url, pg_server, tmp_path, s3_server)
    backend = await s3_backend(config)
    kept = await add_object(db_url, backend, "kept", b"kept bytes")
    gone = await add_object(db_url, backend, "gone", b"gone bytes")

    written = await dump.create(config, db_url)
    verified = manifest.verify(written.path)
    assert verified.manifest["storage"] == {"backend": "s3", "objects": 2, "missing": []}
    assert (written.path / objects.object_file(*gone)).read_bytes() == b"gone bytes"

    await backend.delete([gone, kept])
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute("delete from storage.objects")
    finally:
        await conn.close()

    await restore.restore(config, db_url, written.path, verified, progress=lambda message: None)
    conn = await asyncpg.connect(db_url)
    try:
        rows = {r["name"]: (r["id"], r["version"]) for r in
                await conn.fetch("select name, id::text, version from storage.objects")}
    finally:
        await conn.close()
    assert rows == {"kept": kept, "gone": gone}
    assert await backend.read_small(*kept) == b"kept bytes"
    assert await backend.read_small(*gone) == b"gone bytes"


async def test_restore_deletes_from_s3_the_objects_uploaded_after_the_backup(db_url, pg_server, tmp_path,
                                                                            s3_server):  # noqa: F811
    config = settings(db_url, pg_server, tmp_path, s3_server)
    backend = await s3_backend(config)
    kept = await add_object(db_url, backend, "kept", b"kept bytes")
    written = await dump.create(config, db_url)
    verified = manifest.verify(written.path)

    later = await add_object(db_url, backend, "later", b"later bytes")
    newer_kept = await put(backend, b"a version of kept nobody points at")
    # Keys beside ours that are not in storage's layout are someone else's: the restore leaves them.
    foreign = [f"{backend.prefix}/notes/readme.txt", f"{backend.prefix}/{kept[0]}/v/deeper",
               f"{backend.prefix}-other/{later[0]}/{later[1]}"]
    for key in foreign:
        await asyncio.to_thread(backend.client.put_object, Bucket=backend.bucket, Key=key, Body=b"not ours")

    await restore.restore(config, db_url, written.path, verified, progress=lambda message: None)
    assert [r["name"] for r in await sql(db_url, "select name from storage.objects")] == ["kept"]
    assert await in_store(backend, later) is None, "the bytes of an object uploaded after the backup stayed"
    assert await in_store(backend, newer_kept) is None
    assert await in_store(backend, kept) == b"kept bytes"
    assert [item async for item in backend.inventory()] == [kept]
    for key in foreign:
        body = await asyncio.to_thread(backend.client.get_object, Bucket=backend.bucket, Key=key)
        assert body["Body"].read() == b"not ours"


async def test_a_backup_failing_verification_deletes_nothing_from_s3(db_url, pg_server, tmp_path,
                                                                    s3_server):  # noqa: F811
    config = settings(db_url, pg_server, tmp_path, s3_server)
    backend = await s3_backend(config)
    kept = await add_object(db_url, backend, "kept", b"kept bytes")
    written = await dump.create(config, db_url)
    later = await add_object(db_url, backend, "later", b"later bytes")
    (written.path / objects.object_file(*kept)).write_bytes(b"tampered")

    # What `oricol restore <name> --yes` runs (in a thread: it runs its own event loop).
    with pytest.raises(manifest.BackupInvalid, match=kept[0]):
        await asyncio.to_thread(commands.restore_backup, config, written.path.name, True, lambda: False)
    assert await in_store(backend, later) == b"later bytes"
    assert await in_store(backend, kept) == b"kept bytes"
    assert sorted(r["name"] for r in await sql(db_url, "select name from storage.objects")) == ["kept", "later"]
