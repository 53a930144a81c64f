"""How many connections a node opens to the primary, and the check that the database allows them.

Each worker process has its own pools, so ORICOL_DB_POOL_SIZE is per worker and a node holds at most
`workers × per_process(pool_size)` plus the supervisor's few. With the embedded cluster the supervisor starts PostgreSQL with room
for that; with a database given by URL it refuses to start when the database could refuse connections
later, under load, which would surface as random 503s instead of one clear message now.
"""
from __future__ import annotations

import asyncpg

from oricol.config import Config

# Connections a worker holds outside its pools: rest's schema-reload listener, realtime's bus listener,
# its slot reader and its visibility checker.
DEDICATED_PER_PROCESS = 4
# Left for everything that is not a worker: `oricol psql`/`backup`, pg_dump, the backup lock, Studio users.
HEADROOM = 10
# The supervisor's own pools, for the backup schedule's bookkeeping (Database.connect with pool_size=1).
SUPERVISOR = 3
EMBEDDED_DEFAULT_MAX = 200  # oricol.pg.embedded.SERVER_SETTINGS


def per_process(pool_size: int) -> int:
    """The most one worker opens: the app pool, the admin pool (half size, at least 2), the dedicated ones."""
    return pool_size + max(2, pool_size // 2) + DEDICATED_PER_PROCESS


def node_ceiling(config: Config) -> int:
    return config.core.workers * per_process(config.core.pool_size) + SUPERVISOR


def embedded_max_connections(config: Config) -> int:
    """max_connections for the embedded cluster: its default, or more when the workers need it."""
    return max(EMBEDDED_DEFAULT_MAX, node_ceiling(config) + HEADROOM + 3)  # 3: superuser_reserved_connections


class BudgetError(RuntimeError):
    """The workers could open more connections than the database accepts; the message says what to change."""


async def check(admin_url: str, config: Config) -> None:
    conn = await asyncpg.connect(admin_url, timeout=10)
    try:
        limit = int(await conn.fetchval("select current_setting('max_connections')"))
        reserved = int(await conn.fetchval("select current_setting('superuser_reserved_connections')"))
    finally:
        await conn.close()
    allowed = limit - reserved - HEADROOM
    needed = node_ceiling(config)
    if needed > allowed:
        core = config.core
        raise BudgetError(
            f"ORICOL_WORKERS={core.workers} × (ORICOL_DB_POOL_SIZE={core.pool_size} app + "
            f"{max(2, core.pool_size // 2)} admin + {DEDICATED_PER_PROCESS} dedicated) + {SUPERVISOR} for the "
            f"supervisor = {needed} connections at "
            f"most, but the database allows {allowed} (max_connections {limit} − {reserved} reserved − {HEADROOM} "
            "kept free); lower ORICOL_WORKERS or ORICOL_DB_POOL_SIZE, or raise max_connections")
