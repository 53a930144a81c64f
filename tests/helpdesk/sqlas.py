"""Running SQL as a helpdesk member on a test database, the way REST does it (role + claims, one
transaction), for the trigger and SLA tests that need exact control of time and rows."""
from __future__ import annotations

import json
import uuid

import asyncpg


async def as_member(conn: asyncpg.Connection, user_id, sql: str, *args):
    async with conn.transaction():
        await conn.execute("select set_config('role', 'authenticated', true), "
                           "set_config('request.jwt.claims', $1, true)",
                           json.dumps({"sub": str(user_id), "role": "authenticated"}))
        return await conn.fetch(sql, *args)


async def member(conn: asyncpg.Connection, role: str, email: str | None = None) -> uuid.UUID:
    """A new auth user (the sign-up trigger makes the member) given `role`."""
    user_id = await conn.fetchval("insert into auth.users (email) values ($1) returning id",
                                  email or f"{role}-{uuid.uuid4().hex[:8]}@example.com")
    await conn.execute("update helpdesk.members set role = $2 where user_id = $1", user_id, role)
    return user_id
