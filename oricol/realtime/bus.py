"""Fan-out between the processes of one deployment: Redis pub/sub when ORICOL_REDIS_URL is set, else
PostgreSQL LISTEN/NOTIFY on the shared database.

A bus carries small JSON messages (changes, broadcasts, presence diffs, liveness). Each message names
the process that sent it; a process delivers its own messages locally before publishing, so it skips
them on the way back. NOTIFY payloads are limited to 8000 bytes, so larger messages are sent in parts.
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any, Callable

import asyncpg
import orjson

from oricol.db import Listener

log = logging.getLogger("oricol.realtime.bus")

Handler = Callable[[dict[str, Any]], None]
_NOTIFY_PART = 7000


class Bus:
    async def start(self, handler: Handler) -> None:
        raise NotImplementedError

    async def publish(self, message: dict[str, Any]) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError


class RedisBus(Bus):
    """Starts whether or not Redis is reachable: the subscription is made (and remade after a loss)
    by a background task, so a Redis outage cuts processes off from each other but never keeps one
    from starting or serving its own sockets. Publishing while Redis is away fails; the caller logs it."""

    def __init__(self, url: str, channel: str):
        self._url = url
        self._channel = channel
        self._client: Any = None
        self._task: asyncio.Task | None = None

    async def start(self, handler: Handler) -> None:
        import redis.asyncio as redis

        self._client = redis.from_url(self._url, socket_connect_timeout=2.0)
        first = self._client.pubsub(ignore_subscribe_messages=True)
        try:  # subscribed before the first socket is served, when Redis is there
            await asyncio.wait_for(first.subscribe(self._channel), 3.0)
        except Exception as error:
            log.warning("realtime: Redis unreachable at start (%s); other processes' messages will arrive "
                        "once it is back", error)
            await _close_quietly(first)
            first = None
        self._task = asyncio.create_task(self._listen(handler, first))

    async def _listen(self, handler: Handler, subscribed: Any) -> None:
        delay = 0.2
        while True:
            pubsub = subscribed or self._client.pubsub(ignore_subscribe_messages=True)
            subscribed = None
            try:
                if not pubsub.subscribed:
                    await pubsub.subscribe(self._channel)
                delay = 0.2
                async for item in pubsub.listen():
                    if item.get("type") == "message":
                        _dispatch(handler, item["data"])
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("realtime: no Redis subscription (%s); retrying in %.1f s", error, delay)
            finally:
                await _close_quietly(pubsub)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def publish(self, message: dict[str, Any]) -> None:
        await self._client.publish(self._channel, orjson.dumps(message))

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()


class PostgresBus(Bus):
    """On the process's shared LISTEN connection (oricol.db.Listener); listens again within a second of
    losing it."""

    def __init__(self, listener: Listener, channel: str, pool: asyncpg.Pool):
        self._listener = listener
        self._channel = channel
        self._pool = pool
        self._listening = False
        self._parts: dict[str, list[str | None]] = {}
        self._handler: Handler | None = None
        self._watch: asyncio.Task | None = None

    async def start(self, handler: Handler) -> None:
        self._handler = handler
        await self._connect()
        self._watch = asyncio.create_task(self._keep_connected())

    async def _connect(self) -> None:
        await self._listener.listen(self._channel, self._on_notify, on_lost=self._lost)
        self._listening = True

    def _lost(self) -> None:
        self._listening = False

    async def _keep_connected(self) -> None:
        while True:
            await asyncio.sleep(1)
            if not self._listening:
                try:
                    await self._connect()
                except Exception:
                    log.warning("LISTEN connection lost; retrying", exc_info=True)

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        if payload.startswith("{"):
            _dispatch(self._handler, payload)
            return
        # "<id> <index> <count> <text>": one part of a message too large for one NOTIFY
        msg_id, index, count, text = payload.split(" ", 3)
        parts = self._parts.setdefault(msg_id, [None] * int(count))
        parts[int(index)] = text
        if all(part is not None for part in parts):
            del self._parts[msg_id]
            _dispatch(self._handler, "".join(parts))  # type: ignore[arg-type]

    async def publish(self, message: dict[str, Any]) -> None:
        text = orjson.dumps(message).decode()
        if len(text.encode()) <= _NOTIFY_PART:
            await self._pool.execute("select pg_notify($1, $2)", self._channel, text)
            return
        chunks = [text[i:i + _NOTIFY_PART // 4] for i in range(0, len(text), _NOTIFY_PART // 4)]
        msg_id = uuid.uuid4().hex[:12]
        async with self._pool.acquire() as conn, conn.transaction():
            for index, chunk in enumerate(chunks):
                await conn.execute("select pg_notify($1, $2)", self._channel, f"{msg_id} {index} {len(chunks)} {chunk}")

    async def stop(self) -> None:
        if self._watch:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)
        if self._listening:
            self._listening = False
            await self._listener.unlisten(self._channel, self._on_notify)


async def _close_quietly(pubsub: Any) -> None:
    try:
        await pubsub.aclose()
    except Exception:  # a subscription on a dead connection: nothing to release
        pass


def _dispatch(handler: Handler | None, raw: str | bytes) -> None:
    if handler is None:
        return
    try:
        message = orjson.loads(raw)
    except orjson.JSONDecodeError:
        log.warning("ignoring a malformed bus message")
        return
    try:
        handler(message)
    except Exception:
        log.exception("bus message handler failed")
