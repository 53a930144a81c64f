"""One client socket: reads Phoenix frames, answers them, and writes what the server pushes.

Frames for the client go through a queue and one writer task, so a slow client never blocks the
others: when its queue is full it is disconnected. The socket is closed when no frame (heartbeats
included) arrived within the idle timeout; that sweep runs in `context.Realtime`, not per socket.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any, Callable

from oricol.db import Caller

from . import channel as channels
from . import frames
from .frames import FrameError, Message

if TYPE_CHECKING:
    from .context import Realtime

log = logging.getLogger("oricol.realtime")
_CLOSE = object()


class Connection:
    def __init__(self, realtime: "Realtime", send: Callable, vsn: str, caller: Caller):
        self.realtime = realtime
        self.vsn = vsn
        self.caller = caller
        self.channels: dict[str, channels.Subscription] = {}
        self.last_seen = time.monotonic()
        self._send = send
        self._queue: asyncio.Queue = asyncio.Queue()
        self._closed = False
        self._close_code = 1000
        self._close_reason = ""

    # writing ---------------------------------------------------------------------------------
    def encode(self, message: Message) -> str | bytes:
        return frames.encode(message, self.vsn)

    def send_frame(self, frame: str | bytes) -> None:
        if self._closed:
            return
        if self._queue.qsize() >= self.realtime.config.max_pending_frames:
            self.close(1008, "too many unread messages")
            return
        self._queue.put_nowait(frame)

    def push(self, topic: str, event: str, payload: Any, *, ref: str | None = None,
             join_ref: str | None = None) -> None:
        self.send_frame(self.encode(Message(topic, event, payload, ref, join_ref)))

    def reply(self, msg: Message, status: str, response: dict[str, Any]) -> None:
        self.push(msg.topic, "phx_reply", {"status": status, "response": response}, ref=msg.ref,
                  join_ref=msg.join_ref)

    def close(self, code: int = 1000, reason: str = "") -> None:
        if not self._closed:
            self._closed = True
            self._close_code, self._close_reason = code, reason
            self._queue.put_nowait(_CLOSE)

    async def _writer(self) -> None:
        while True:
            frame = await self._queue.get()
            if frame is _CLOSE:
                await self._send({"type": "websocket.close", "code": self._close_code, "reason": self._close_reason})
                return
            if isinstance(frame, bytes):
                await self._send({"type": "websocket.send", "bytes": frame})
            else:
                await self._send({"type": "websocket.send", "text": frame})

    # reading ---------------------------------------------------------------------------------
    async def serve(self, receive: Callable, subprotocol: str | None) -> None:
        await self._send({"type": "websocket.accept", "subprotocol": subprotocol})
        writer = asyncio.create_task(self._writer())
        self.realtime.connections.add(self)
        try:
            while True:
                event = await receive()
                if event["type"] == "websocket.disconnect":
                    break
                if event["type"] != "websocket.receive":
                    continue
                self.last_seen = time.monotonic()
                await self._on_frame(event.get("text"), event.get("bytes"))
        except Exception:
            log.exception("realtime socket failed")
        finally:
            self._closed = True
            self.realtime.connections.discard(self)
            for sub in list(self.channels.values()):
                self.leave(sub)
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)

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
