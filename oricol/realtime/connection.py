"""One client socket: reads Phoenix frames, answers them, and writes what the server pushes.

Pushed frames wait in the socket's list until the end of the event-loop turn, when the outbox flushes
every socket that has some (`outbox.py`): through the server's synchronous frame writer when it offers
one (`oricol.websocket`), in one write per socket; otherwise through a writer task and ASGI `send`.
A client that does not read its frames is disconnected once `max_pending_bytes` wait for it, so a slow
client never holds memory without bound or delays the others. Closing always goes through ASGI `send`.
The socket is closed when no frame (heartbeats included) arrived within the idle timeout; that sweep
runs in `context.Realtime`, not per socket.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import TYPE_CHECKING, Any, Callable

from oricol.db import Caller
from oricol.websocket import FrameWriter

from . import channel as channels
from . import frames
from .frames import FrameError, Message

if TYPE_CHECKING:
    from .context import Realtime

log = logging.getLogger("oricol.realtime")
_CLOSE = object()


class Connection:
    __slots__ = ("realtime", "vsn", "caller", "channels", "last_seen", "_send", "_direct", "_pending",
                 "_queued", "_queued_bytes", "_wake", "_writer", "_closed", "_close_code", "_close_reason")

    def __init__(self, realtime: "Realtime", send: Callable, vsn: str, caller: Caller,
                 writer: FrameWriter | None = None):
        self.realtime = realtime
        self.vsn = vsn
        self.caller = caller
        self.channels: dict[str, channels.Subscription] = {}
        self.last_seen = time.monotonic()
        self._send = send
        self._direct = writer
        self._pending: list[Any] = []  # frames pushed this turn of the event loop
        # The writer task and its queue exist only once needed (no frame writer, or closing): an idle
        # socket then costs no task.
        self._queued: deque | None = None
        self._queued_bytes = 0
        self._wake: asyncio.Event | None = None
        self._writer: asyncio.Task | None = None
        self._closed = False
        self._close_code = 1000
        self._close_reason = ""

    # writing ---------------------------------------------------------------------------------
    def encode(self, message: Message) -> str | bytes:
        return frames.encode(message, self.vsn)

    def send_frame(self, frame: str | bytes) -> None:
        if self._closed:
            return
        if not self._pending:
            self.realtime.outbox.mark(self)
        self._pending.append(frame)

    def push(self, topic: str, event: str, payload: Any, *, ref: str | None = None,
             join_ref: str | None = None) -> None:
        self.send_frame(self.encode(Message(topic, event, payload, ref, join_ref)))

    def reply(self, msg: Message, status: str, response: dict[str, Any]) -> None:
        self.push(msg.topic, "phx_reply", {"status": status, "response": response}, ref=msg.ref,
                  join_ref=msg.join_ref)

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Close after the frames already pushed."""
        if not self._closed:
            self._closed = True
            self._close_code, self._close_reason = code, reason
            if not self._pending:
                self.realtime.outbox.mark(self)
            self._pending.append(_CLOSE)

    def flush(self) -> None:
        """Write what was pushed this turn (called by the outbox)."""
        pending, self._pending = self._pending, []
        closing = bool(pending) and pending[-1] is _CLOSE
        if closing:
            pending.pop()
        if pending:
            self.realtime.stats.frames_sent.inc((), len(pending))
        if self._direct is not None and self._queued is None:
            if pending and self._direct.write(pending) and \
                    self._direct.buffered() > self.realtime.config.max_pending_bytes:
                self._drop_slow()
        elif pending:
            self._enqueue(pending)
            self._queued_bytes += sum(len(frame) for frame in pending)
            if self._queued_bytes > self.realtime.config.max_pending_bytes:
                self._queued.clear()  # type: ignore[union-attr]
                self._drop_slow()
        if closing:
            self._enqueue([_CLOSE])

    def _drop_slow(self) -> None:
        log.info("realtime: dropping a client that does not read its messages")
        self.realtime.stats.dropped.inc()
        if not self._closed:
            self._closed = True
            self._close_code, self._close_reason = 1008, "too many unread messages"
        self._enqueue([_CLOSE])

    def _enqueue(self, items: list[Any]) -> None:
        if self._queued is None:
            self._queued, self._wake = deque(), asyncio.Event()
            self._writer = asyncio.get_running_loop().create_task(self._write_queued())
        self._queued.extend(items)
        self._wake.set()  # type: ignore[union-attr]

    async def _write_queued(self) -> None:
        queued, wake, send = self._queued, self._wake, self._send
        assert queued is not None and wake is not None
        while True:
            await wake.wait()
            wake.clear()
            while queued:
                frame = queued.popleft()
                if frame is _CLOSE:
                    await send({"type": "websocket.close", "code": self._close_code, "reason": self._close_reason})
                    return
                self._queued_bytes -= len(frame)
                if isinstance(frame, bytes):
                    await send({"type": "websocket.send", "bytes": frame})
                else:
                    await send({"type": "websocket.send", "text": frame})

    # reading ---------------------------------------------------------------------------------
    async def serve(self, receive: Callable, subprotocol: str | None) -> None:
        await self._send({"type": "websocket.accept", "subprotocol": subprotocol})
        self.realtime.connections.add(self)
        try:
            while True:
                event = await receive()
                if event["type"] == "websocket.disconnect":
                    break
                if event["type"] != "websocket.receive":
                    continue
                self.last_seen = time.monotonic()
                self.realtime.stats.frames_received.inc()
                await self._on_frame(event.get("text"), event.get("bytes"))
        except Exception:
            log.exception("realtime socket failed")
        finally:
            self._closed = True
            self.realtime.connections.discard(self)
            for sub in list(self.channels.values()):
                self.leave(sub)
            if self._writer is not None:
                self._writer.cancel()
                await asyncio.gather(self._writer, return_exceptions=True)

    async def _on_frame(self, text: str | None, data: bytes | None) -> None:
        size = len(text.encode()) if text is not None else len(data or b"")
        if size > self.realtime.config.max_frame_bytes:
            self.close(1009, "frame too large")
            return
        try:
            msg = frames.decode_text(text, self.vsn) if text is not None else frames.decode_binary(data or b"")
        except FrameError as error:
            self.close(1007, f"invalid frame: {error}"[:120])
            return
        await self.realtime.handle(self, msg)

    def leave(self, sub: channels.Subscription) -> None:
        if self.channels.get(sub.topic) is sub:
            del self.channels[sub.topic]
        self.realtime.node.remove(sub)
        self.realtime.changes.remove(sub)
