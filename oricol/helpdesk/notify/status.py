"""The outbox's counts for `oricol status`, read straight from the database (any node's work)."""
from __future__ import annotations

import asyncio

import asyncpg

from . import outbox


def status_lines(config, url: str | None) -> list[str]:
    """One line: sent, failed, queued and the oldest queued age; nothing if the database or the schema is away."""
    if not url:
        return []

    async def read() -> dict[str, float]:
        conn = await asyncpg.connect(url, timeout=3)
        try:
            return await outbox.counts(conn, config.helpdesk_mail.max_attempts)
        finally:
            await conn.close()

    try:
        counts = asyncio.run(read())
    except (OSError, asyncpg.PostgresError, asyncio.TimeoutError):
        return []
    age = int(counts["oldest_queued_seconds"])
    return [f"  {'notify':<10} helpdesk mail: {int(counts['sent'])} sent, {int(counts['failed'])} failed, "
            f"{int(counts['queued'])} queued" + (f" (oldest {age}s)" if counts["queued"] else "")]
