"""The notification job as a part of `oricol start`: no routes, one background task, and the outbox's
counts (sent, failed, queued, oldest queued age) on /metrics — read from the table, so what other
nodes sent shows up too."""
from __future__ import annotations

import asyncio
import contextlib
import logging

from oricol.service import Platform, Service

from . import outbox
from .job import Job

REFRESH_SECONDS = 15
STATES = ("sent", "failed", "queued")
log = logging.getLogger("oricol.helpdesk.notify")


async def _no_routes(scope: dict, receive, send) -> None:
    raise RuntimeError("the helpdesk notification job has no HTTP routes")  # never mounted by the gateway


def create(platform: Platform) -> Service:
    job = Job(config=platform.config, pool=platform.db.admin)
    tasks: list[asyncio.Task] = []
    counts: dict[str, float] = {}

    changed = asyncio.Event()  # set by the job after it sent or failed something: counts refresh at once
    job.on_change = changed.set

    async def refresh_forever() -> None:
        while True:
            try:
                async with platform.db.admin.acquire() as conn:
                    counts.update(await outbox.counts(conn, platform.config.helpdesk_mail.max_attempts))
            except Exception as error:  # the database may be down for a while; keep trying
                log.debug("helpdesk: could not count the outbox", extra={"error": str(error)})
            changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(changed.wait(), REFRESH_SECONDS)

    def by_state():
        return [("oricol_helpdesk_mail_outbox", (("state", state),), counts[state]) for state in STATES if state in counts]

    def oldest():
        return [("oricol_helpdesk_mail_oldest_queued_seconds", (), counts["oldest_queued_seconds"])] if counts else []

    def register_metrics(registry) -> None:
        registry.collector("oricol_helpdesk_mail_outbox", "gauge",
                           "Helpdesk notification mails by state (sent, failed = out of attempts, queued)", by_state)
        registry.collector("oricol_helpdesk_mail_oldest_queued_seconds", "gauge",
                           "Age of the oldest helpdesk notification still waiting to be sent", oldest)

    async def start() -> None:
        tasks.append(asyncio.create_task(job.run_forever(), name="oricol-helpdesk-notify"))
        tasks.append(asyncio.create_task(refresh_forever(), name="oricol-helpdesk-outbox-counts"))

    async def stop() -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        tasks.clear()

    async def health() -> str:
        return "down: the notification job stopped" if tasks and tasks[0].done() else "up"

    return Service(name="helpdesk-notify", app=_no_routes, start=start, stop=stop, health=health,
                   extras={"register_metrics": register_metrics, "job": job, "counts": counts})
