"""One backup run as both `oricol backup` and the schedule do it: write, prune, record the outcome."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Any

import asyncpg

from oricol.config import Config

from . import dump, history, retention

log = logging.getLogger("oricol.backup")


async def run(config: Config, admin_url: str, trigger: str, progress: dump.Progress = dump._quiet) -> dump.Written:
    started = datetime.now(timezone.utc)
    try:
        written = await dump.create(config, admin_url, progress)
    except Exception as error:
        await _record(admin_url, started, ok=False, trigger=trigger, error=f"{error.__class__.__name__}: {error}")
        raise
    removed = await asyncio.to_thread(retention.prune, config.backup.dir, config.backup.keep_daily,
                                      config.backup.keep_weekly)
    if removed:
        progress(f"retention removed {len(removed)} old backup(s): {', '.join(removed)}")
    await _record(admin_url, started, ok=True, trigger=trigger, name=written.name, bytes=written.bytes)
    return written


async def _record(admin_url: str, started: datetime, **outcome: Any) -> None:
    try:
        conn = await asyncpg.connect(admin_url, timeout=10)
        try:
            await history.record(conn, started, **outcome)
        finally:
            await conn.close()
    except (OSError, asyncpg.PostgresError) as error:  # the backup's outcome matters more than its record
        log.warning("could not record the backup run", extra={"error": str(error)})
