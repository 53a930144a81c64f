"""The record of backup runs (table oricol.backup_runs): written after each run, read by `oricol status`.

A run is recorded after it ends, so it is never inside its own backup; a restore brings back the
history as it was when the restored backup was taken.
"""
from __future__ import annotations

from datetime import datetime

import asyncpg

RECORD = """insert into oricol.backup_runs (started_at, ok, trigger, name, bytes, error)
values ($1, $2, $3, $4, $5, $6)"""
LAST = """select distinct on (ok) ok, started_at, finished_at, name, bytes, error
from oricol.backup_runs order by ok, finished_at desc"""
SUCCEEDED_SINCE = "select exists (select 1 from oricol.backup_runs where ok and started_at >= $1)"


async def record(conn: asyncpg.Connection, started_at: datetime, *, ok: bool, trigger: str,
                 name: str | None = None, bytes: int | None = None, error: str | None = None) -> None:
    await conn.execute(RECORD, started_at, ok, trigger, name, bytes, (error or "")[:2000] or None)


async def last(conn: asyncpg.Connection) -> dict[str, dict]:
    """{"success": row, "failure": row}, each present only if such a run exists."""
    rows = await conn.fetch(LAST)
    return {("success" if row["ok"] else "failure"): dict(row) for row in rows}


async def succeeded_since(conn: asyncpg.Connection, when: datetime) -> bool:
    return await conn.fetchval(SUCCEEDED_SINCE, when)
