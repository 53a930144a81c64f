"""`oricol users …` and `oricol demo`: the helpdesk's commands, run against the project's database.

Like `oricol migrate`, they start the embedded PostgreSQL when it is not running (and stop it again
afterwards), and bring the schema up to date first, so they work on a fresh installation too.
"""
from __future__ import annotations

import asyncio
import contextlib
import sys
from typing import Awaitable, Callable, Iterator

import asyncpg

from oricol.config import Config

from . import users
from .demo import DemoError


@contextlib.contextmanager
def database(config: Config) -> Iterator[str]:
    """The superuser URL of the project's database, migrated, with the embedded server running."""
    from oricol import bootstrap
    from oricol.pg.cluster import admin_url, embedded_cluster, start_cluster

    cluster = None
    started_here = False
    if config.core.embedded:
        cluster = embedded_cluster(config)
        started_here = not (cluster.initialised and cluster.running())
        cluster = start_cluster(config)
    try:
        url = admin_url(config, cluster)
        asyncio.run(bootstrap.prepare(url, config.core.postgres_password, None, helpdesk=True))
        yield url
    finally:
        if cluster is not None and started_here:
            cluster.stop()


def _run(config: Config, work: Callable[[asyncpg.Connection], Awaitable[int]]) -> int:
    if not config.helpdesk.enabled:
        print("oricol: the helpdesk is turned off (ORICOL_HELPDESK=false)", file=sys.stderr)
        return 1

    async def go(url: str) -> int:
        conn = await asyncpg.connect(url)
        try:
            return await work(conn)
        finally:
            await conn.close()

    try:
        with database(config) as url:
            return asyncio.run(go(url))
    except (users.UserError, DemoError) as error:
        print(f"oricol: {error}", file=sys.stderr)
        return 1


def users_add(config: Config, email: str, role: str, name: str | None, password_stdin: bool) -> int:
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            print("oricol: --password-stdin read an empty password", file=sys.stderr)
            return 1

    async def work(conn: asyncpg.Connection) -> int:
        added = await users.add(conn, email, role, password=password, name=name)
        print(f"added {added.email} as {added.role} ({added.user_id})")
        if added.password is not None:
            print(f"password: {added.password}")
            print("(shown once: it is stored only as a bcrypt hash)")
        return 0

    return _run(config, work)


def users_list(config: Config) -> int:
    async def work(conn: asyncpg.Connection) -> int:
        rows = await users.listing(conn)
        width = max([len(r["email"] or "") for r in rows] + [5])
        print(f"{'email':<{width}}  {'role':<9}  {'active':<6}  name")
        for r in rows:
            print(f"{r['email'] or '':<{width}}  {r['role']:<9}  {'yes' if r['active'] else 'no':<6}  {r['full_name'] or ''}")
        return 0

    return _run(config, work)


def users_role(config: Config, email: str, role: str) -> int:
    async def work(conn: asyncpg.Connection) -> int:
        before = await users.set_role(conn, email, role)
        print(f"{email.strip().lower()}: {before} -> {role}")
        return 0

    return _run(config, work)


def demo(config: Config, tickets: int, comments_per_ticket: float) -> int:
    from . import demo as loader

    async def work(conn: asyncpg.Connection) -> int:
        summary = await loader.load(conn, tickets=tickets, comments_per_ticket=comments_per_ticket,
                                    progress=lambda line: print(line, flush=True))
        print(loader.render_summary(summary))
        return 0

    return _run(config, work)
