"""What every storage handler needs, built once by `service.create` and found on the Starlette app."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncpg
from starlette.requests import Request

from oricol.config.storage import StorageConfig
from oricol.db import Caller
from oricol.identity import identity_of
from oricol.objectstore import Backend


@dataclass
class Context:
    config: StorageConfig
    pool: asyncpg.Pool
    backend: Backend
    jwt_secret: str
    extras: dict[str, Any] = field(default_factory=dict)  # lazily built parts (the image worker pool)


def context_of(request: Request) -> Context:
    return request.app.state.context


def caller_of(request: Request) -> Caller:
    """The verified caller; a bad bearer token raises its JwtError (rendered as InvalidJWT)."""
    return identity_of(request.scope).require_caller()


def service_caller(owner: str | None = None) -> Caller:
    """service_role, for what Storage does on its own authority (public reads, signed URLs)."""
    claims: dict[str, Any] = {"role": "service_role"}
    if owner:
        claims["sub"] = owner
    return Caller(role="service_role", claims=claims)
