"""auth.mfa_factors and auth.mfa_challenges rows: a user's TOTP factors and the challenges against them."""
from __future__ import annotations

import datetime as dt
import uuid

import asyncpg

from .users import SELECT_FACTORS


async def of_user(conn: asyncpg.Connection, user_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_FACTORS, user_id)


async def owned(conn: asyncpg.Connection, factor_id: uuid.UUID, user_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("select * from auth.mfa_factors where id = $1 and user_id = $2", factor_id, user_id)


async def add_totp(conn: asyncpg.Connection, factor_id: uuid.UUID, user_id: uuid.UUID, name: str | None,
                   sealed_secret: str) -> None:
    """A new TOTP factor, unverified until a code for one of its challenges is verified."""
    await conn.execute(
        "insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, secret, created_at, "
        "updated_at) values ($1, $2, $3, 'totp', 'unverified', $4, now(), now())",
        factor_id, user_id, name, sealed_secret)


async def delete(conn: asyncpg.Connection, factor_id: uuid.UUID, user_id: uuid.UUID) -> asyncpg.Record | None:
    """The user's factor removed: its id and status, or None when the user has no such factor."""
    return await conn.fetchrow("delete from auth.mfa_factors where id = $1 and user_id = $2 returning id, status",
                               factor_id, user_id)


async def add_challenge(conn: asyncpg.Connection, challenge_id: uuid.UUID, factor_id: uuid.UUID,
                        ip: str) -> dt.datetime:
    """A challenge against the factor; its creation time (the start of its lifetime)."""
    return await conn.fetchval(
        "insert into auth.mfa_challenges (id, factor_id, created_at, ip_address) values ($1, $2, now(), $3::inet) "
        "returning created_at", challenge_id, factor_id, ip)


async def challenge_for_update(conn: asyncpg.Connection, challenge_id: uuid.UUID,
                               factor_id: uuid.UUID) -> asyncpg.Record | None:
    """The factor's challenge, locked so that two verifications of one challenge run one after the other."""
    return await conn.fetchrow("select * from auth.mfa_challenges where id = $1 and factor_id = $2 for update",
                               challenge_id, factor_id)


async def verified(conn: asyncpg.Connection, challenge_id: uuid.UUID, factor_id: uuid.UUID) -> None:
    """The challenge answered and its factor verified (a no-op for a factor already verified but its time)."""
    await conn.execute("update auth.mfa_challenges set verified_at = now() where id = $1", challenge_id)
    await conn.execute("update auth.mfa_factors set status = 'verified', updated_at = now() where id = $1",
                       factor_id)
