"""What a service hands the composition root: an ASGI app and its lifecycle.

Services never import each other; `oricol.app` builds each one from explicit arguments.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from oricol.config import Config
from oricol.db import Database
from oricol.jwt import Verifier
from oricol.sharedredis import SharedRedis

ASGIApp = Callable[[dict, Callable, Callable], Awaitable[None]]


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
    extras: dict[str, Any] = field(default_factory=dict)


def not_built_yet(name: str, render: Callable[[int, str], tuple[dict, int]]) -> Service:
    """A placeholder for a service whose implementation has not landed: a JSON 404 in its shape."""
    import orjson

    async def app(scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 4404})
            return
        body, status = render(404, f"The {name} service is not available on this server yet")
        payload = orjson.dumps(body)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})

    return Service(name=name, app=app)
