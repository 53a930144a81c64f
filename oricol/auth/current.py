"""The signed-in caller of an endpoint: the user and session named by the bearer token."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg

from . import errors, users
from .http import AuthRequest


@dataclass
class Current:
    user: asyncpg.Record
    session_id: uuid.UUID | None
    claims: dict[str, Any]


def claims_of(req: AuthRequest) -> dict[str, Any]:
    identity = req.identity
    if identity.jwt_error is not None:
        raise errors.bad_jwt(identity.jwt_error.message)
    if not identity.bearer or identity.caller is None:
        raise errors.no_authorization()
    return dict(identity.caller.claims)


async def load(req: AuthRequest, conn: asyncpg.Connection) -> Current:
    claims = claims_of(req)
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise errors.bad_jwt("invalid claim: missing sub claim")
    session_id = None
    if claims.get("session_id"):
        try:
            session_id = uuid.UUID(str(claims["session_id"]))
        except ValueError:
            raise errors.bad_jwt("invalid claim: session_id claim must be a UUID") from None
        if not await conn.fetchval("select exists(select 1 from auth.sessions where id = $1)", session_id):
            raise errors.error(403, errors.SESSION_NOT_FOUND, "Session from session_id claim in JWT does not exist")
    user = await users.by_id(conn, sub)
    if user is None or user["deleted_at"] is not None:
        raise errors.error(403, errors.USER_NOT_FOUND, "User from sub claim in JWT does not exist")
    return Current(user=user, session_id=session_id, claims=claims)


def require_service_role(req: AuthRequest) -> None:
    claims = claims_of(req)
    if claims.get("role") not in ("service_role", "supabase_admin"):
        raise errors.not_admin()
