"""Who may read and write a private channel: the caller's RLS policies on `realtime.messages`, as
Supabase authorises them.

The check runs in one transaction that is always rolled back: probe rows for the topic are inserted
as the superuser, then, as the caller (role, claims and `realtime.topic` set), we look for them (read)
and try to insert one (write).
"""
from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from oricol.db import Caller, caller_settings
from oricol.sql import render

_PROBE = ("insert into realtime.messages (topic, extension, private) "
          "values ($1, 'broadcast', true), ($1, 'presence', true)")
_READ = "select exists(select 1 from realtime.messages where topic = $1 and extension in ('broadcast', 'presence'))"
_WRITE = ("insert into realtime.messages (topic, extension, event, payload, private) "
          "values ($1, 'broadcast', 'authorization-check', '{}'::jsonb, true)")


@dataclass(frozen=True)
class Permissions:
    read: bool
    write: bool


async def private_channel_permissions(admin: asyncpg.Pool, caller: Caller, topic: str) -> Permissions:
    async with admin.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        try:
            await conn.execute(_PROBE, topic)
            text, args = render(caller_settings(caller, {"realtime.topic": topic}))
            await conn.execute(text, *args)
            try:
                read = bool(await conn.fetchval(_READ, topic))
            except asyncpg.InsufficientPrivilegeError:
                read = False
            write = await _can_insert(conn, topic)
            return Permissions(read=read, write=write)
        finally:
            await transaction.rollback()


async def _can_insert(conn: asyncpg.Connection, topic: str) -> bool:
    try:
        async with conn.transaction():  # a savepoint: a refused insert must not end the probe
            await conn.execute(_WRITE, topic)
        return True
    except (asyncpg.InsufficientPrivilegeError, asyncpg.CheckViolationError):
        return False
    except asyncpg.PostgresError as error:
        if error.sqlstate == "42501":
            return False
        raise
