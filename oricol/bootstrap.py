"""Bringing a database up to date before serving: platform schema, login password, app migrations."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

import asyncpg

from oricol import migrate
from oricol.db import SERVICE_LOGIN_ROLE
from oricol.sql import quote_ident, quote_literal


async def connect_admin(url: str, *, timeout: float = 30.0) -> asyncpg.Connection:
    """A superuser connection, waiting for a server that is still starting up."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await asyncpg.connect(url, timeout=5)
        except (OSError, asyncpg.CannotConnectNowError, asyncpg.ConnectionDoesNotExistError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


async def prepare(admin_url: str, login_password: str, migrations_dir: Path | None, *,
                  helpdesk: bool = True) -> list[migrate.Migration]:
    """Applies the platform migrations, sets the service login's password, then the helpdesk's (unless the
    bare platform was asked for) and the app's, so an operator's own migrations may build on the helpdesk.
    The helpdesk's names stay apart from an app's: its tables live in the schema `helpdesk` and its
    buckets are named `helpdesk-*`."""
    conn = await connect_admin(admin_url)
    try:
        applied = await migrate.apply(conn, migrate.platform_migrations())
        await conn.execute(f"alter role {quote_ident(SERVICE_LOGIN_ROLE)} with login password "
                           f"{quote_literal(login_password)}")
        if helpdesk:
            applied += await migrate.apply(conn, migrate.helpdesk_migrations())
        if migrations_dir is not None:
            applied += await migrate.apply(conn, migrate.app_migrations(migrations_dir))
        return applied
    finally:
        await conn.close()
