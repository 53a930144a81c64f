"""The backup scheduler as a service of `oricol start`: no routes, one background task."""
from __future__ import annotations

import asyncio
import contextlib

from oricol.service import Platform, Service

from . import schedule


async def _no_routes(scope: dict, receive, send) -> None:
    raise RuntimeError("the backup service has no HTTP routes")  # never mounted by the gateway


def create(platform: Platform) -> Service:
    tasks: list[asyncio.Task] = []

    async def start() -> None:
        tasks.append(asyncio.create_task(schedule.run_daily(platform.config, platform.db.admin_url),
                                         name="oricol-backup-schedule"))

    async def stop() -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        tasks.clear()

    async def health() -> str:
        return "down: the schedule stopped" if tasks and tasks[0].done() else "up"

    return Service(name="backup", app=_no_routes, start=start, stop=stop, health=health)
