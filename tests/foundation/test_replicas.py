"""Read replicas: a streaming replica made with `pg_basebackup -R` serves reads; writes stay on the primary."""
from __future__ import annotations

import asyncio

import asyncpg
import pytest

from oricol import bootstrap
from oricol.db import SERVICE, Database, as_caller
from tests.support import pg

PASSWORD = "replica-password-1"


@pytest.fixture
def primary_and_replica():
    with pg.own_cluster(PASSWORD, with_replica=True) as (_, primary, replica):
        asyncio.run(bootstrap.prepare(primary.url(PASSWORD), PASSWORD, None))
        yield primary, replica


async def test_reads_go_to_the_replica_and_fall_back_when_it_is_down(primary_and_replica):
    primary, replica = primary_and_replica
    db = await Database.connect(primary.url(PASSWORD), PASSWORD, pool_size=2,
                                replica_urls=(replica.url(PASSWORD),))
    try:
        await db.admin.execute("create table public.notes (id int primary key, body text)")
        await db.admin.execute("insert into public.notes values (1, 'written on the primary')")
        pool = db.read_pool()
        assert pool is db.replicas[0]
        for _ in range(100):  # streaming replication is asynchronous; wait for the row to arrive
            async with as_caller(pool, SERVICE) as conn:
                if await conn.fetchval("select to_regclass('public.notes') is not null") and \
                        await conn.fetchval("select count(*) from public.notes") == 1:
                    break
            await asyncio.sleep(0.1)
        async with as_caller(pool, SERVICE) as conn:
            assert await conn.fetchval("select pg_is_in_recovery()") is True
            assert await conn.fetchval("select body from public.notes where id = 1") == "written on the primary"
        with pytest.raises(asyncpg.ReadOnlySQLTransactionError):
            async with as_caller(pool, SERVICE) as conn:
                await conn.execute("insert into public.notes values (2, 'no')")

        await asyncio.to_thread(replica.stop, "immediate")
        await db.check_replicas()
        assert db.read_pool() is db.app  # back on the primary while the replica is away
        await asyncio.to_thread(replica.start)
        await db.check_replicas()
        assert db.read_pool() is db.replicas[0]
    finally:
        await db.close()
