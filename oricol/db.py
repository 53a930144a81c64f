"""Connections to PostgreSQL and the one way user work runs: inside a transaction, as the caller.

Two pools: `app` logs in as `authenticator`, a role that can do nothing itself and can only switch
into `anon`, `authenticated` and `service_role` (so row-level security decides what a request sees);
`admin` logs in as the superuser for the platform's own bookkeeping (migrations, auth, meta).
"""
from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, AsyncIterator, Callable, Mapping
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg

from oricol import pgpipe
from oricol.sql import Sql, param, raw, render

SERVICE_LOGIN_ROLE = "authenticator"
API_ROLES = ("anon", "authenticated", "service_role")


@dataclass(frozen=True)
class Caller:
    """Who a request acts as: the role and claims of its verified JWT (the anon key's by default)."""

    role: str
    claims: Mapping[str, Any] = field(default_factory=dict)
    token: str | None = None

    @property
    def user_id(self) -> str | None:
        sub = self.claims.get("sub")
        return sub if isinstance(sub, str) else None

    @cached_property
    def claims_json(self) -> str:
        # cached: realtime passes the same caller's claims to PostgreSQL for every batch of changes
        return json.dumps(dict(self.claims), separators=(",", ":"))


ANON = Caller(role="anon", claims={"role": "anon"})
SERVICE = Caller(role="service_role", claims={"role": "service_role"})


def caller_settings(caller: Caller, extra: Mapping[str, str] | None = None) -> Sql:
    """One statement that switches role and publishes the claims for `auth.uid()` and friends."""
    settings = [("role", caller.role), ("request.jwt.claims", caller.claims_json)]
    settings += list((extra or {}).items())
    fragments = [raw("set_config(") + param(name) + raw(", ") + param(value) + raw(", true)")
                 for name, value in settings]
    text = raw("select ")
    for index, fragment in enumerate(fragments):
        text = text + (raw(", ") if index else raw("")) + fragment
    return text


@asynccontextmanager
async def as_caller(pool: asyncpg.Pool, caller: Caller, extra: Mapping[str, str] | None = None,
                    *, readonly: bool = False) -> AsyncIterator[asyncpg.Connection]:
    """A connection inside a transaction running as `caller`; rolled back on any error."""
    async with pool.acquire() as conn:
        async with conn.transaction(readonly=readonly):
            text, args = render(caller_settings(caller, extra))
            await conn.execute(text, *args)
            yield conn


_UNAVAILABLE = (
    asyncpg.CannotConnectNowError, asyncpg.ConnectionDoesNotExistError, asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError, asyncpg.TooManyConnectionsError, asyncpg.ConnectionFailureError,
    ConnectionError, TimeoutError,
)


def unavailable(error: BaseException) -> bool:
    """True when the database could not be reached (as opposed to a query that failed)."""
    if isinstance(error, _UNAVAILABLE):
        return True
    if isinstance(error, asyncpg.InterfaceError) and "closed" in str(error).lower():
        return True
    if isinstance(error, OSError) and error.errno in (2, 111, 104):  # no socket, refused, reset
        return True
    return False


def with_login(url: str, user: str, password: str) -> str:
    """The same server and database as `url`, logged in as another role."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


async def _init_connection(conn: asyncpg.Connection) -> None:
    # json/jsonb arrive as text by default; decode them once here so every service sees Python values.
    for typename in ("json", "jsonb"):
        await conn.set_type_codec(typename, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


# The API's connections run short queries whose plan costs RLS subplans inflate far past jit_above_cost:
# JIT then spends seconds compiling (2.7 s measured on a 100k-ticket list) to save milliseconds. Off.
API_SETTINGS = {"jit": "off"}
# The platform's own bookkeeping (auth, the helpdesk's SLA check, ...) likewise: a JIT-compiled query left its
# backend holding libLLVM and ~30 MB of freed heap for as long as the pool kept the connection.
ADMIN_SETTINGS = {"jit": "off"}
# The admin pool serves bursts (sign-ins, the background jobs that all wake together at start and every
# minute), then idles: connections beyond min_size that stay unused this long are closed (each is a
# PostgreSQL backend of ~15 MB), the min_size one is kept. Under load connections never idle that long.
ADMIN_IDLE_SECONDS = 2.0


class PooledConnection(asyncpg.Connection):  # type: ignore[misc]  # asyncpg has no type hints
    """A pooled connection that may be handed back with a request's session settings still on it.

    asyncpg resets every connection on release (RESET ALL, UNLISTEN *, CLOSE ALL, advisory unlock: a
    round trip of its own). A REST request instead borrows through `request_session`, sends that reset
    at the head of its own first message and leaves its settings behind (`dirty`); the next request does
    the same, and any other borrower gets the reset on acquire (`_setup`), before it runs anything. So
    no session state outlives its request for anyone, and a request saves the round trip."""

    dirty = False
    _session_reset: str | None = None
    _pipelined_reset: bytes | None = None

    def get_reset_query(self) -> str:
        """asyncpg's reset plus RESET ROLE: RESET ALL leaves the role alone, and a request may set it for
        the session (or a function it calls may)."""
        if self._session_reset is None:
            self._session_reset = super().get_reset_query() + "\nRESET ROLE;"
        return self._session_reset

    def pipelined_reset(self) -> bytes:
        """The same reset as `oricol.pgpipe` messages, to head a one-round-trip request: each statement
        of it alone (one per Parse), a SELECT made to return no row (`OFFSET 1`), as pgpipe needs."""
        if self._pipelined_reset is None:
            statements = [s.strip() for s in self.get_reset_query().split(";") if s.strip()]
            self._pipelined_reset = pgpipe.encode(
                [s + " offset 1" if s.lower().startswith("select ") else s for s in statements])
        return self._pipelined_reset

    def mark_dirty(self) -> None:
        self.dirty = True

    async def reset_if_dirty(self) -> None:
        if self.dirty:
            await self.execute(self.get_reset_query())
            self.dirty = False


_RESETS_ITSELF: ContextVar[bool] = ContextVar("oricol_resets_itself", default=False)


async def _setup(conn: asyncpg.Connection) -> None:
    # on every acquire, in the borrower's task: a borrower that does not reset the session itself gets it clean
    if not _RESETS_ITSELF.get():
        await conn.reset_if_dirty()


async def _reset_unless_dirty(conn: asyncpg.Connection) -> None:
    # asyncpg has already rolled back any open transaction; a dirty connection is reset by its next borrower
    if not conn.dirty:
        query = conn.get_reset_query()
        if query:
            await conn.execute(query)


@asynccontextmanager
async def request_session(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A connection whose borrower resets the session itself, in its first message (`get_reset_query()`
    then its own settings), and may leave its settings on it: the next borrower resets them."""
    token = _RESETS_ITSELF.set(True)  # read by `_setup`, in this task, while the pool hands a connection over
    acquiring = True
    try:
        async with pool.acquire() as conn:
            _RESETS_ITSELF.reset(token)
            acquiring = False
            conn.mark_dirty()  # from the first byte sent, whatever happens next
            yield conn
    finally:
        if acquiring:
            _RESETS_ITSELF.reset(token)


async def create_pool(url: str, *, min_size: int = 1, max_size: int = 10, **kwargs: Any) -> asyncpg.Pool:
    return await asyncpg.create_pool(url, min_size=min_size, max_size=max_size, init=_init_connection,
                                     statement_cache_size=kwargs.pop("statement_cache_size", 256),
                                     connection_class=PooledConnection, setup=_setup, reset=_reset_unless_dirty,
                                     **kwargs)


Notified = Callable[[asyncpg.Connection, int, str, str], None]  # (connection, pid, channel, payload)


class Listener:
    """One LISTEN connection per process, shared by the services that listen (REST's schema reloads, realtime's
    bus): each holding its own would keep a PostgreSQL backend (~13 MB) per service waiting for notifications.

    Connected on the first `listen`, closed when the last listener leaves. When the connection is lost every
    listener's `on_lost` is called and all are forgotten: each listens again when it wants to (and knows that
    notifications may have been missed in between)."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._conn: asyncpg.Connection | None = None
        self._listening: dict[tuple[str, Notified], Callable[[], None] | None] = {}  # (channel, callback) -> on_lost
        self._lock = asyncio.Lock()

    async def listen(self, channel: str, notified: Notified, on_lost: Callable[[], None] | None = None) -> None:
        async with self._lock:
            if self._conn is None or self._conn.is_closed():
                conn = await asyncpg.connect(self._url, server_settings={"application_name": "oricol listener"})
                conn.add_termination_listener(self._terminated)
                self._conn = conn
            await self._conn.add_listener(channel, notified)
            self._listening[(channel, notified)] = on_lost

    async def unlisten(self, channel: str, notified: Notified) -> None:
        async with self._lock:
            if self._listening.pop((channel, notified), False) is False:
                return
            conn = self._conn
            if conn is None or conn.is_closed():
                return
            if self._listening:
                await conn.remove_listener(channel, notified)
                return
            self._conn = None
            conn.remove_termination_listener(self._terminated)
            await conn.close(timeout=2)

    def _terminated(self, conn: asyncpg.Connection) -> None:
        if conn is not self._conn:
            return
        self._conn = None
        lost = [on_lost for on_lost in self._listening.values() if on_lost is not None]
        self._listening.clear()
        for on_lost in lost:
            on_lost()

    async def close(self) -> None:
        for channel, notified in list(self._listening):
            await self.unlisten(channel, notified)


@dataclass
class Database:
    admin: asyncpg.Pool
    app: asyncpg.Pool
    admin_url: str
    app_url: str
    replicas: tuple[asyncpg.Pool, ...] = ()
    _next_replica: int = 0
    _down: set[int] = field(default_factory=set)
    listener: Listener = field(init=False)

    def __post_init__(self) -> None:
        self.listener = Listener(self.admin_url)

    @classmethod
    async def connect(cls, admin_url: str, app_password: str, *, pool_size: int = 10,
                      replica_urls: tuple[str, ...] = ()) -> "Database":
        app_url = with_login(admin_url, SERVICE_LOGIN_ROLE, app_password)
        # application_name says in pg_stat_activity (and bench/startup.py's memory table) whose backend it is.
        admin = await create_pool(admin_url, min_size=1, max_size=max(2, pool_size // 2),
                                  max_inactive_connection_lifetime=ADMIN_IDLE_SECONDS,
                                  server_settings={**ADMIN_SETTINGS, "application_name": "oricol admin"})
        app = await create_pool(app_url, min_size=1, max_size=pool_size,
                                server_settings={**API_SETTINGS, "application_name": "oricol app"})
        # Replicas are connected lazily (min_size=0) so a replica that is down does not stop the start.
        replicas = tuple([await create_pool(with_login(url, SERVICE_LOGIN_ROLE, app_password), min_size=0,
                                            max_size=pool_size,
                                            server_settings={**API_SETTINGS, "application_name": "oricol app"})
                          for url in replica_urls])
        return cls(admin=admin, app=app, admin_url=admin_url, app_url=app_url, replicas=replicas)

    def read_pool(self) -> asyncpg.Pool:
        """A pool for a read-only request: the replicas in turn, skipping those marked down."""
        healthy = [i for i in range(len(self.replicas)) if i not in self._down]
        if not healthy:
            return self.app
        self._next_replica = (self._next_replica + 1) % len(healthy)
        return self.replicas[healthy[self._next_replica]]

    def mark(self, pool: asyncpg.Pool, up: bool) -> None:
        """Readers report a replica that failed (or recovered) so the next reads avoid (or use) it."""
        for index, replica in enumerate(self.replicas):
            if replica is pool:
                (self._down.discard if up else self._down.add)(index)

    async def check_replicas(self) -> None:
        for index, replica in enumerate(self.replicas):
            try:
                await asyncio.wait_for(replica.fetchval("select 1"), timeout=2)
                self._down.discard(index)
            except Exception:  # any failure marks it down until the next check
                self._down.add(index)

    async def close(self) -> None:
        await self.listener.close()
        for pool in (self.app, self.admin, *self.replicas):
            await pool.close()
