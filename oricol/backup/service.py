"""The backup scheduler as a service of `oricol start`: no routes, one background task, and the last
success and failure as gauges on /metrics (read from oricol.backup_runs, so runs by `oricol backup`
or by another node show up too)."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Callable

from oricol.asgi import Receive, Scope, Send
from oricol.metrics import Registry, Sample
from oricol.service import Platform, Service

from . import history, schedule

REFRESH_SECONDS = 30
log = logging.getLogger("oricol.backup")


async def _no_routes(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("the backup service has no HTTP routes")  # never mounted by the gateway


def create(platform: Platform) -> Service:
    tasks: list[asyncio.Task] = []
    last: dict[str, dict] = {}
    wake = asyncio.Event()  # set after a scheduled run, so /metrics shows it at once

    async def refresh_forever() -> None:
        while True:
            try:
                async with platform.db.admin.acquire() as conn:
                    last.clear()
                    last.update(await history.last(conn))
            except Exception as error:  # the database may be down for a while; keep trying
                log.debug("backup: could not read the run history", extra={"error": str(error)})
            wake.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(wake.wait(), REFRESH_SECONDS)

    def gauge(outcome: str) -> Callable[[], list[Sample]]:
        name = f"oricol_backup_last_{outcome}_timestamp_seconds"
        return lambda: [(name, (), last[outcome]["finished_at"].timestamp())] if outcome in last else []

    def register_metrics(registry: Registry) -> None:
        for outcome in ("success", "failure"):
            registry.collector(f"oricol_backup_last_{outcome}_timestamp_seconds", "gauge",
                               f"When the last backup {'that succeeded' if outcome == 'success' else 'that failed'} "
                               "finished (Unix time)", gauge(outcome))

    async def start() -> None:
        tasks.append(asyncio.create_task(schedule.run_daily(platform.config, platform.db.admin_url,
                                                            on_done=wake.set),
                                         name="oricol-backup-schedule"))
        tasks.append(asyncio.create_task(refresh_forever(), name="oricol-backup-history"))

    async def stop() -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        tasks.clear()

    async def health() -> str:
        return "down: the schedule stopped" if tasks and tasks[0].done() else "up"

    return Service(name="backup", app=_no_routes, start=start, stop=stop, health=health,
                   extras={"register_metrics": register_metrics})
