"""Frames on their way out: every frame pushed to a socket during one turn of the event loop is
written in one go at the end of that turn, by one callback for all sockets.

A change delivered to 500 subscribers then costs 500 appends and, once per socket, one write of
everything that socket got in that turn, instead of a task wake-up per frame.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Protocol

log = logging.getLogger("oricol.realtime")


class Flushable(Protocol):
    def flush(self) -> None: ...


class Outbox:
    def __init__(self) -> None:
        self._waiting: list[Flushable] = []

    def mark(self, conn: Flushable) -> None:
        """`conn` has frames to write; it is marked once per turn (by its first frame)."""
        if not self._waiting:
            asyncio.get_running_loop().call_soon(self._flush)
        self._waiting.append(conn)

    def _flush(self) -> None:
        waiting, self._waiting = self._waiting, []
        for conn in waiting:
            try:
                conn.flush()
            except Exception:
                log.exception("realtime: writing to a socket failed")
