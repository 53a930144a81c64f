"""The route table of the realtime service, in one place (paths relative to /realtime/v1): the Phoenix
socket, and the broadcast REST endpoints (POST only). What a client sends on the socket has its own
table, handlers.CHANNEL_EVENTS."""
from __future__ import annotations

import re
from typing import Awaitable, Callable

from . import broadcast_api

WEBSOCKET = re.compile(r"^/websocket/*\Z")

# Tried in order; a handler gets (realtime, scope, body, *the path's groups).
BroadcastHandler = Callable[..., Awaitable[None]]
ROUTES: tuple[tuple[re.Pattern[str], BroadcastHandler], ...] = (
    (re.compile(r"^/api/broadcast/([^/]+)/events/([^/]+)$"), broadcast_api.broadcast_one),
    (re.compile(r"^/api/broadcast/*\Z"), broadcast_api.broadcast_batch),
)


def broadcast_route(path: str) -> tuple[BroadcastHandler, tuple[str, ...]] | None:
    """The handler of a broadcast path and the parts it takes from the path, or None."""
    for pattern, handler in ROUTES:
        found = pattern.match(path)
        if found:
            return handler, found.groups()
    return None
