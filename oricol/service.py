"""What a service hands the composition root: an ASGI app and its lifecycle.

Services never import each other; `oricol.app` builds each one from explicit arguments.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from oricol.asgi import ASGIApp, Receive, Scope, Send
from oricol.config import Config
from oricol.db import Database
from oricol.errors import KONG, ApiError, ErrorFormat
from oricol.jwt import Verifier
from oricol.sharedredis import SharedRedis


async def _nothing() -> None:
    return None


async def _healthy() -> str:
    return "up"


@dataclass(frozen=True)
class Platform:
    """The shared parts every service may use: settings, the database pools, the token verifier, and the
    Redis client for counters shared between nodes (None without ORICOL_REDIS_URL)."""

    config: Config
    db: Database
    verifier: Verifier
    redis: SharedRedis | None = None


@dataclass
class Service:
    name: str
    app: ASGIApp
    start: Callable[[], Awaitable[None]] = _nothing
    stop: Callable[[], Awaitable[None]] = _nothing
    health: Callable[[], Awaitable[str]] = _healthy  # "up", or a reason it is not
    errors: ErrorFormat = KONG  # its error wire format, which the gateway asks to render on its prefix
    extras: dict[str, Any] = field(default_factory=dict)


def not_built_yet(name: str, errors: ErrorFormat) -> Service:
    """A placeholder for a service whose implementation has not landed: a JSON 404 in its shape."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 4404})
            return
        missing = ApiError(404, "not_found", f"The {name} service is not available on this server yet")
        await errors.render(missing, scope).send(send)

    return Service(name=name, app=app, errors=errors)
