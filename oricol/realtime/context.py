"""The running realtime service of one process: its node, change feed and sockets, and the sweep that
closes idle sockets and channels whose token expired."""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from oricol.config.realtime import RealtimeConfig
from oricol.db import Database
from oricol.jwt import Verifier

from . import handlers
from .frames import Message
from .node import Node
from .outbox import Outbox
from .stats import RealtimeStats

if TYPE_CHECKING:
    from .changes.feed import ChangeFeed
    from .connection import Connection

log = logging.getLogger("oricol.realtime")


@dataclass
class Realtime:
    config: RealtimeConfig
    db: Database
    verifier: Verifier
    node: Node
    changes: "ChangeFeed"
    connections: set["Connection"] = field(default_factory=set)
    outbox: Outbox = field(default_factory=Outbox)
    stats: RealtimeStats = field(default_factory=RealtimeStats)
    _sweeper: asyncio.Task | None = None

    async def start(self) -> None:
        await self.node.start()
        await self.changes.start()
        self._sweeper = asyncio.create_task(self._sweep())

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
        for conn in list(self.connections):
            conn.close(1001, "server shutting down")
        await self.changes.stop()
        await self.node.goodbye()
        await self.node.stop()

    async def handle(self, conn: "Connection", msg: Message) -> None:
        await handlers.handle(self, conn, msg)

    async def _sweep(self) -> None:
        interval = min(1.0, self.config.idle_timeout / 4)
        while True:
            await asyncio.sleep(interval)
            try:
                self._sweep_once()
            except Exception:
                log.exception("realtime sweep failed")

    def _sweep_once(self) -> None:
        idle_since = time.monotonic() - self.config.idle_timeout
        now = time.time()
        for conn in list(self.connections):
            if conn.last_seen < idle_since:
                conn.close(1000, "heartbeat timeout")
                continue
            for sub in list(conn.channels.values()):
                if sub.expires_at is not None and sub.expires_at <= now:
                    handlers.shut_down(conn, sub, "Token has expired")
