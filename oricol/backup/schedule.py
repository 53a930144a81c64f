"""The daily backup inside `oricol start`: sleep until the configured UTC time, back up, repeat.

Several nodes may run the schedule against one database: the advisory lock in `dump` lets one back
up at a time, and a node that wakes after another has already succeeded for the slot skips it.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, time, timedelta, timezone
from typing import Callable

import asyncpg

from oricol.config import Config

from . import history, job

log = logging.getLogger("oricol.backup")


def next_run(now: datetime, at: time) -> datetime:
    """The first moment at `at` (UTC) strictly after `now`."""
    today = datetime.combine(now.date(), at, tzinfo=timezone.utc)
    return today if today > now else today + timedelta(days=1)


async def _already_done(admin_url: str, slot: datetime) -> bool:
    conn = await asyncpg.connect(admin_url, timeout=10)
    try:
        return await history.succeeded_since(conn, slot)
    finally:
        await conn.close()


async def run_slot(config: Config, admin_url: str, slot: datetime) -> None:
    try:
        if await _already_done(admin_url, slot):
            log.info("backup: another node has already backed up for this slot", extra={"slot": slot.isoformat()})
            return
        written = await job.run(config, admin_url, "schedule", progress=lambda message: log.info("backup: " + message))
        log.info("backup: scheduled backup done", extra={"backup": written.name, "bytes": written.bytes})
    except asyncio.CancelledError:
        raise
    except Exception as error:  # recorded by job.run; the schedule keeps going tomorrow
        log.error("backup: scheduled backup failed", extra={"error": f"{error.__class__.__name__}: {error}"})


async def run_daily(config: Config, admin_url: str, on_done: Callable[[], None] = lambda: None) -> None:
    while True:
        slot = next_run(datetime.now(timezone.utc), config.backup.daily_at)
        await asyncio.sleep(max(0.0, (slot - datetime.now(timezone.utc)).total_seconds()))
        await run_slot(config, admin_url, slot)
        on_done()
