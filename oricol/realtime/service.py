"""The realtime service at /realtime/v1: Phoenix channels over WebSocket (`/websocket`) and the
broadcast REST endpoints (`/api/broadcast`), as its route table (routes.py) says. Builds the process's
node, bus and change feed.

Errors on the HTTP side render in realtime's one shape (errors.py).
"""
from __future__ import annotations

import hashlib
import logging
import re
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from oricol.errors import ApiError
from oricol.identity import identity_of
from oricol.service import Platform, Service
from oricol.websocket import EXTENSION

from . import errors, routes
from .bus import Bus, PostgresBus, RedisBus
from .changes.feed import ChangeFeed
from .connection import Connection
from .context import Realtime
from .frames import SUPPORTED_VSN, VSN_1
from .node import Node
from .stats import RealtimeStats

log = logging.getLogger("oricol.realtime")
MAX_BODY = 4 * 1024 * 1024


def slot_name_for(database_url: str) -> str:
    """One slot per deployment: named after the database, so clusters hosting several stay apart."""
    database = urlsplit(database_url).path.lstrip("/") or "postgres"
    safe = re.sub(r"[^a-z0-9_]", "_", database.lower())[:32]
    return f"oricol_rt_{safe}_{hashlib.sha1(database.encode()).hexdigest()[:8]}"


def make_bus(platform: Platform, slot: str) -> Bus:
    redis_url = platform.config.core.redis_url
    if redis_url:
        return RedisBus(redis_url, f"oricol:realtime:{slot}")
    return PostgresBus(platform.db.listener, "oricol_realtime", platform.db.admin)


def create(platform: Platform) -> Service:
    config = platform.config.realtime
    slot = config.slot_name or slot_name_for(platform.db.admin_url)
    node = Node(make_bus(platform, slot), config.node_heartbeat_seconds)
    stats = RealtimeStats()
    realtime = Realtime(config=config, db=platform.db, verifier=platform.verifier, node=node,
                        changes=ChangeFeed(platform.db, config, node, slot, stats), stats=stats)

    async def app(scope: dict, receive: Callable, send: Callable) -> None:
        path = scope["path"][len(scope.get("root_path", "")):] or "/"
        if scope["type"] == "websocket":
            await _websocket(realtime, scope, receive, send, path)
        elif scope["type"] == "http":
            await _http(realtime, scope, receive, send, path)

    async def health() -> str:
        return "up"

    return Service(name="realtime", app=app, start=realtime.start, stop=realtime.stop, health=health, errors=errors.FORMAT,
                   extras={"realtime": realtime,
                           "register_metrics": lambda registry: realtime.stats.register(registry, realtime)})


async def _websocket(realtime: Realtime, scope: dict, receive: Callable, send: Callable, path: str) -> None:
    if not routes.WEBSOCKET.match(path):
        await send({"type": "websocket.close", "code": 4404, "reason": "no such socket"})
        return
    identity = identity_of(scope)
    if identity.jwt_error is not None:
        await send({"type": "websocket.close", "code": 4401, "reason": "invalid token"})
        return
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    vsn = query.get("vsn", [VSN_1])[0]
    if vsn not in SUPPORTED_VSN:
        await send({"type": "websocket.close", "code": 4400, "reason": f"unsupported vsn {vsn}"})
        return
    subprotocol = "phoenix" if "phoenix" in scope.get("subprotocols", []) else None
    writer = scope.get("extensions", {}).get(EXTENSION)
    conn = Connection(realtime, send, vsn, identity.require_caller(), writer)
    await conn.serve(receive, subprotocol)


async def _http(realtime: Realtime, scope: dict, receive: Callable, send: Callable, path: str) -> None:
    try:
        if scope["method"] != "POST" or not path.startswith("/api/broadcast"):
            raise errors.not_found()
        body = await _body(receive)
        route = routes.broadcast_route(path)
        if route is None:
            raise errors.not_found()
        handler, parts = route
        await handler(realtime, scope, body, *parts)
        await _respond(send, 202, b"")
    except ApiError as error:
        await errors.render(error).send(send)


async def _body(receive: Callable) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise errors.payload_too_large()
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _respond(send: Callable, status: int, body: bytes) -> None:
    headers = [(b"content-length", str(len(body)).encode())]
    if body:
        headers.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
