"""The Oricol Helpdesk as a service of `oricol start`.

Its data model lives in PostgreSQL (migrations in ./migrations, applied at start by oricol.bootstrap
after the platform's) and is served by the platform's own REST, realtime and storage under RLS, so
this service has no routes of its own. What it runs is the periodic SLA check: open tickets past a
due time get their breach flag (helpdesk.mark_sla_breaches()), so lists can filter on plain columns.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging

from oricol.service import Platform, Service

log = logging.getLogger("oricol.helpdesk")
SLA_LOCK_KEY = 0x0_07_1C_11  # one node at a time marks breaches


async def _no_routes(scope: dict, receive, send) -> None:
    raise RuntimeError("the helpdesk service has no HTTP routes")  # never mounted by the gateway


async def mark_breaches(pool) -> int:
    """One pass of the SLA check; skipped when another node holds the lock."""
    async with pool.acquire() as conn:
        if not await conn.fetchval("select pg_try_advisory_lock($1)", SLA_LOCK_KEY):
            return 0
        try:
            return await conn.fetchval("select helpdesk.mark_sla_breaches()")
        finally:
            await conn.execute("select pg_advisory_unlock($1)", SLA_LOCK_KEY)


def create(platform: Platform) -> Service:
    tasks: list[asyncio.Task] = []
    state = {"breaches_marked": 0, "failures": 0}

    async def check_forever() -> None:
        while True:
            try:
                state["breaches_marked"] += await mark_breaches(platform.db.admin)
            except Exception as error:  # the database may be down for a while; keep trying
                state["failures"] += 1
                log.warning("helpdesk: the SLA check failed", extra={"error": str(error)})
            await asyncio.sleep(platform.config.helpdesk.sla_check_seconds)

    def register_metrics(registry) -> None:
        for name, key, text in (("oricol_helpdesk_sla_breaches_marked_total", "breaches_marked",
                                 "Tickets flagged as past an SLA due time by this process"),
                                ("oricol_helpdesk_sla_check_failures_total", "failures",
                                 "SLA checks that failed (the database was unreachable or the schema missing)")):
            registry.collector(name, "counter", text, lambda name=name, key=key: [(name, (), state[key])])

    async def start() -> None:
        tasks.append(asyncio.create_task(check_forever(), name="oricol-helpdesk-sla"))

    async def stop() -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        tasks.clear()

    # Health stays the database's business (the gateway reports it); a failed check is logged and counted.
    return Service(name="helpdesk", app=_no_routes, start=start, stop=stop,
                   extras={"register_metrics": register_metrics})
