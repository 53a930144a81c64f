"""Fixtures of the realtime tests: a superuser connection to the live server's database, and a
second live server whose sockets idle out after one second."""
from __future__ import annotations

import asyncio

import asyncpg
import pytest

from tests.support import pg
from tests.support.stack import LiveServer, config_for


@pytest.fixture
async def admin_live(live):
    conn = await asyncpg.connect(live.db_url)
    yield conn
    await conn.close()


@pytest.fixture(scope="module")
async def idle_live(pg_server, template_db, tmp_path_factory):
    name = await pg.clone(pg_server, template_db)
    server = LiveServer(config_for(pg_server.url_for(name), pg_server.password, tmp_path_factory.mktemp("idle"),
                                   ORICOL_REALTIME_IDLE_TIMEOUT="1"))
    await asyncio.to_thread(server.start)
    yield server
    await asyncio.to_thread(server.stop)
    await pg.drop(pg_server, name)
