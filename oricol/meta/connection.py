"""The meta service's own connections: a small pool for catalogue reads and DDL, one fresh connection per
SQL-editor script.

Meta acts as the database's admin, as postgres-meta does (it logs in as `supabase_admin`); only the
service_role key reaches /pg (the gateway sees to that). Every transaction carries a statement timeout.
A script from /query runs on a connection of its own that is closed afterwards, so whatever the script
changes in its session (SET ROLE, temporary tables, an open transaction) dies with it.
"""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator

import asyncpg

from oricol.config.meta import MetaConfig
from oricol.sql import Sql, render


class MetaDb:
    def __init__(self, admin_url: str, config: MetaConfig):
        self.admin_url = admin_url
        self.config = config
        self.pool: asyncpg.Pool | None = None
        self.scripts = asyncio.Semaphore(config.pool_size)

    async def open(self) -> None:
        # statement_cache_size=0: the DDL text differs on every call, caching it would only fill memory.
        self.pool = await asyncpg.create_pool(self.admin_url, min_size=0, max_size=self.config.pool_size,
                                              statement_cache_size=0,
                                              server_settings={"application_name": "oricol-meta"})

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
            self.pool = None

    def timeout_setting(self, seconds: int | None = None) -> str:
        return f"{seconds or self.config.statement_timeout_seconds}s"

    @asynccontextmanager
    async def transaction(self, *, readonly: bool = False) -> AsyncIterator[asyncpg.Connection]:
        if self.pool is None:
            raise RuntimeError("the meta service has not started")
        async with self.pool.acquire() as conn:
            async with conn.transaction(readonly=readonly):
                await conn.execute("select set_config('statement_timeout', $1, true)", self.timeout_setting())
                yield conn

    async def read_json(self, query: Sql) -> str | None:
        """The one text value `query` yields (JSON built by PostgreSQL), or None without a row."""
        text, args = render(query)
        async with self.transaction(readonly=True) as conn:
            return await conn.fetchval(text, *args)

    @asynccontextmanager
    async def script_connection(self, timeout_seconds: int | None,
                                application_name: str | None = None) -> AsyncIterator[asyncpg.Connection]:
        """A new connection for one script, closed afterwards; at most pool_size of them at once.
        `timeout_seconds` is PostgreSQL's statement_timeout (None: none, the caller bounds the wait)."""
        async with self.scripts:
            conn = await asyncpg.connect(self.admin_url, statement_cache_size=0,
                                         server_settings={"application_name": application_name or "oricol-meta query",
                                                          "statement_timeout": f"{timeout_seconds or 0}s"})
            try:
                yield conn
            finally:
                await conn.close()


async def fetch_json(conn: asyncpg.Connection, query: Sql) -> str | None:
    text, args = render(query)
    return await conn.fetchval(text, *args)

