"""What a service hands the composition root: an ASGI app and its lifecycle.

Services never import each other; `oricol.app` builds each one from explicit arguments.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from oricol.asgi import ASGIApp
from oricol.config import Config
from oricol.db import Database
from oricol.errors import KONG, ErrorFormat
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
