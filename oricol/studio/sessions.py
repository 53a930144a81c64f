"""Console sessions in PostgreSQL (oricol_studio.sessions): a random token in the cookie, its SHA-256 here.

Kept in the database rather than in memory so that every node and worker of a deployment sees the same
sign-ins, and a sign-out (a deleted row) ends the session everywhere at the next request.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import asyncpg

COOKIE = "oricol_studio"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class Session:
    username: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class NewSession:
    token: str  # goes into the cookie only; never stored
    session: Session


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class SessionStore:
    """Create, find and end console sessions on the platform's admin pool (the platform's own books)."""

    def __init__(self, pool: asyncpg.Pool, lifetime_seconds: int):
        self.pool = pool
        self.lifetime = lifetime_seconds

    async def create(self, username: str, ip: str | None) -> NewSession:
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        async with self.pool.acquire() as conn:
            async with conn.transaction():
                # Expired rows are dropped at each sign-in, so the table never grows without bound.
                await conn.execute("delete from oricol_studio.sessions where expires_at < now()")
                expires = await conn.fetchval(
                    "insert into oricol_studio.sessions (token_hash, csrf_token, username, ip, expires_at)"
                    " values ($1, $2, $3, $4, now() + make_interval(secs => $5)) returning expires_at",
                    token_hash(token), csrf, username, ip, float(self.lifetime))
        return NewSession(token=token, session=Session(username=username, csrf_token=csrf, expires_at=expires))

    async def find(self, token: str | None) -> Session | None:
        """The live session of a cookie's token, or None when unknown, ended or expired."""
        if not token or len(token) > 200:
            return None
        row = await self.pool.fetchrow(
            "select username, csrf_token, expires_at from oricol_studio.sessions"
            " where token_hash = $1 and expires_at > now()", token_hash(token))
        if row is None:
            return None
        return Session(username=row["username"], csrf_token=row["csrf_token"], expires_at=row["expires_at"])

    async def end(self, token: str | None) -> bool:
        if not token:
            return False
        status = await self.pool.execute("delete from oricol_studio.sessions where token_hash = $1",
                                         token_hash(token))
        return status.endswith(" 1")

    async def ready(self) -> bool:
        return await self.pool.fetchval("select to_regclass('oricol_studio.sessions') is not null")


def csrf_ok(session: Session, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), session.csrf_token.encode())


def cookie_token(headers: dict[str, str]) -> str | None:
    """The console token from the Cookie header (several cookies, any order)."""
    for part in headers.get("cookie", "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name == COOKIE:
            return value.strip() or None
    return None
