"""One-time tokens: a numeric code and a link hash per (user, kind), stored hashed, expiring.

The code is what a person types; the link hash (GoTrue's `token_hash`) is what a mail link carries.
Only sha256(link hash) is stored, so neither can be read back from the database.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import asyncpg

from oricol.sql import ident, param, raw, render

from . import errors, tokens, users

SENT_AT = {
    "confirmation_token": "confirmation_sent_at",
    "recovery_token": "recovery_sent_at",
    "email_change_token_new": "email_change_sent_at",
    "email_change_token_current": "email_change_sent_at",
    "reauthentication_token": "reauthentication_sent_at",
}


def check_frequency(state: Any, user: asyncpg.Record, token_type: str) -> None:
    """GoTrue's per-user pause between two mails of one kind."""
    interval = state.config.rate_limits.mail_min_interval
    sent_at = user[SENT_AT[token_type]]
    if not interval or sent_at is None:
        return
    wait = sent_at + dt.timedelta(seconds=interval) - dt.datetime.now(dt.timezone.utc)
    if wait.total_seconds() > 0:
        raise errors.over_email_rate_limit(
            f"For security purposes, you can only request this after {int(wait.total_seconds()) + 1} seconds.")


async def issue(conn: asyncpg.Connection, state: Any, user: asyncpg.Record, token_type: str,
                relates_to: str) -> tuple[str, str]:
    """A fresh (code, link hash) replacing any earlier token of this kind; marks when it was sent."""
    code = tokens.otp_code(state.config.otp_length)
    hashed = tokens.link_hash(relates_to, code)
    await conn.execute(
        "insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to, created_at, updated_at) "
        "values (gen_random_uuid(), $1, $2, $3, $4, now()::timestamp, now()::timestamp) "
        "on conflict (user_id, token_type) do update set token_hash = excluded.token_hash, "
        "relates_to = excluded.relates_to, created_at = excluded.created_at, updated_at = excluded.updated_at",
        user["id"], token_type, tokens.stored_hash(hashed), relates_to)
    text, args = render(raw("update auth.users set ") + ident(SENT_AT[token_type]) + raw(" = now() where id = ")
                        + param(user["id"]))
    await conn.execute(text, *args)
    return code, hashed


async def consume(conn: asyncpg.Connection, state: Any, hashed: str, token_types: tuple[str, ...],
                  email: str | None = None) -> tuple[asyncpg.Record, str, str]:
    """The (user, token type, relates_to) of a valid token, which is used up; else GoTrue's otp_expired."""
    row = await conn.fetchrow(
        "delete from auth.one_time_tokens where token_hash = $1 and token_type = any($2::auth.one_time_token_type[]) "
        "and created_at > now()::timestamp - make_interval(secs => $3) returning user_id, token_type, relates_to",
        tokens.stored_hash(hashed), list(token_types), state.config.otp_expiry)
    if row is None or (email is not None and not tokens.same(row["relates_to"].lower(), email.lower())):
        raise errors.otp_invalid()
    user = await users.by_id(conn, row["user_id"])
    if user is None or user["deleted_at"] is not None:
        raise errors.otp_invalid()
    return user, str(row["token_type"]), row["relates_to"]


async def consume_code(conn: asyncpg.Connection, state: Any, email: str, code: str,
                       token_types: tuple[str, ...]) -> tuple[asyncpg.Record, str, str]:
    return await consume(conn, state, tokens.link_hash(email, code.strip()), token_types, email=email)


async def outstanding(conn: asyncpg.Connection, user_id: uuid.UUID, token_type: str) -> bool:
    """Whether the user holds an unspent token of this type."""
    return await conn.fetchval(
        "select exists(select 1 from auth.one_time_tokens where user_id = $1 and token_type = $2)", user_id, token_type)


async def forget(conn: asyncpg.Connection, user_id: uuid.UUID, token_types: tuple[str, ...]) -> None:
    """The user's unspent tokens of these types, spent for nothing (a flow that starts over)."""
    await conn.execute("delete from auth.one_time_tokens where user_id = $1 "
                       "and token_type = any($2::auth.one_time_token_type[])", user_id, list(token_types))
