"""Shared fixtures: a throwaway PostgreSQL, a database per test, the app in-process or on a port."""
from __future__ import annotations

import asyncio
import os

import asyncpg
import pytest

from tests.support import pg
from tests.support.redis import start_redis
from tests.support.stack import SECRETS, LiveServer, asgi_client, close_stack, config_for, open_stack


@pytest.fixture(scope="session")
def pg_server():
    server = pg.start_server()
    yield server
    server.stop()


@pytest.fixture(scope="session")
async def template_db(pg_server):
    return await pg.create_template(pg_server)


@pytest.fixture
async def db_url(pg_server, template_db):
    name = await pg.clone(pg_server, template_db)
    yield pg_server.url_for(name)
    await pg.drop(pg_server, name)


@pytest.fixture
async def admin(db_url):
    """A superuser connection to this test's database, for setting up schema and checking results."""
    conn = await asyncpg.connect(db_url)
    yield conn
    await conn.close()


@pytest.fixture
def config(db_url, pg_server, tmp_path):
    return config_for(db_url, pg_server.password, tmp_path)


@pytest.fixture
async def stack(config):
    stack = await open_stack(config)
    yield stack
    await close_stack(stack)


@pytest.fixture
async def client(stack):
    async with asgi_client(stack) as http:
        yield http


@pytest.fixture
async def service_client(stack):
    async with asgi_client(stack, key=SECRETS["service_role_key"], token=SECRETS["service_role_key"]) as http:
        yield http


@pytest.fixture(scope="session")
async def live(pg_server, template_db, tmp_path_factory):
    """One real server on a port for the whole session (for the official clients and WebSockets).
    Tests that use it create uniquely named tables, users and buckets so they do not collide."""
    name = await pg.clone(pg_server, template_db, f"oricol_live_{os.getpid()}")
    data_dir = tmp_path_factory.mktemp("live")
    server = LiveServer(config_for(pg_server.url_for(name), pg_server.password, data_dir))
    await asyncio.to_thread(server.start)
    yield server
    await asyncio.to_thread(server.stop)
    await pg.drop(pg_server, name)


@pytest.fixture(scope="session")
def redis_url():
    """A Redis server of our own on a free port (never the machine's shared one)."""
    process, url = start_redis()
    yield url
    process.terminate()
    process.wait(10)
