"""A restore that must not happen changes nothing: a node still connected, another database's backup."""
from __future__ import annotations

import dataclasses

import asyncpg
import pytest

from oricol.backup import dump, manifest, restore
from oricol.db import SERVICE_LOGIN_ROLE, with_login
from tests.support.stack import config_for


async def test_restore_refuses_while_a_node_is_connected_or_the_database_differs(db_url, admin, pg_server, tmp_path):
    config = config_for(db_url, pg_server.password, tmp_path / "data", ORICOL_BACKUP_DIR=str(tmp_path / "backups"))
    await admin.execute("create table marks (note text)")
    written = await dump.create(config, db_url)
    verified = manifest.verify(written.path)
    await admin.execute("insert into marks values ('after the backup')")

    node = await asyncpg.connect(with_login(db_url, SERVICE_LOGIN_ROLE, pg_server.password))
    try:
        with pytest.raises(restore.RestoreRefused, match="node is running"):
            await restore.restore(config, db_url, written.path, verified, progress=print)
    finally:
        await node.close()

    other = dataclasses.replace(verified, manifest={**verified.manifest,
                                                    "database": {**verified.manifest["database"], "name": "elsewhere"}})
    with pytest.raises(restore.RestoreRefused, match="'elsewhere'"):
        await restore.restore(config, db_url, written.path, other, progress=print)
    assert await admin.fetchval("select note from marks") == "after the backup"
