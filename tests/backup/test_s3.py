"""Backup and restore when storage keeps its bytes in S3 (moto in server mode): same code path, through
the storage backend interface."""
from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import asyncpg

from oricol.backup import dump, manifest, objects, restore
from tests.storage.conftest import s3_server, s3_settings  # noqa: F401  (the fixture is used by name)
from tests.support.stack import config_for


async def put(backend, data: bytes) -> tuple[str, str]:
    object_id, version = str(uuid.uuid4()), str(uuid.uuid4())
    handle, temp = tempfile.mkstemp(dir=backend.staging_dir)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    await backend.store(object_id, version, Path(temp))
    return object_id, version


async def test_backup_and_restore_with_the_s3_backend(db_url, pg_server, tmp_path, s3_server):  # noqa: F811
    config = config_for(db_url, pg_server.password, tmp_path / "data", ORICOL_BACKUP_DIR=str(tmp_path / "backups"),
                        **{**s3_settings(s3_server), "ORICOL_STORAGE_S3_PREFIX": f"backup-{uuid.uuid4().hex[:8]}"})
    backend = objects.open_backend(config)
    assert backend.name == "s3"
    await backend.start()
    kept, gone = await put(backend, b"kept bytes"), await put(backend, b"gone bytes")
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute("insert into storage.buckets (id, name) values ('b', 'b')")
        await conn.executemany("insert into storage.objects (id, bucket_id, name, version) values ($1, 'b', $2, $3)",
                               [(kept[0], "kept", kept[1]), (gone[0], "gone", gone[1])])
    finally:
        await conn.close()

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
