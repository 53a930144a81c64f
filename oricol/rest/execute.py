"""The only stage that touches the database: each request as the caller, in as few round trips as
its kind allows.

Most requests take one round trip (`oricol.pgpipe`): in one socket write go the transaction's mode
(read committed; read only for a read), the session reset (whatever the previous borrower or a
function it called left: settings, role, cursors, listens, advisory locks), the role, the claims and
the request settings local to the transaction, the pre-request function if one is configured, and
then the request's statement, prepared and cached by asyncpg, bound after the role is in force (so
RLS sees the caller). The Sync that ends them commits, so a deferred constraint that fails fails the
request and nothing stays.

A write whose result must be checked before it commits (a single object asked for, max-affected),
`tx=rollback`, a planned count (a second statement) and EXPLAIN keep a transaction block: BEGIN
heads the same round trip instead of the mode, and COMMIT or ROLLBACK takes a second.

Values in the settings are quoted literals (`oricol.sql.quote_literal`, the one literal-quoting
function), not parameters: statements sent ahead in the round trip carry none.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, Mapping

import asyncpg

from oricol import pgpipe
from oricol.db import Caller, request_session, unavailable
from oricol.sql import Sql, quote_ident, quote_literal, render

from . import errors


@dataclass(frozen=True)
class Transaction:
    caller: Caller
    settings: Mapping[str, str]
    readonly: bool
    pre_request: str | None = None
    rollback: bool = False

    def in_one_round_trip(self, check: Check | None, then: Sql | None) -> bool:
        """No transaction block needed: nothing runs after the statement, and nothing must be checked
        before it commits (a read's check runs after; it has nothing to undo)."""
        return then is None and not self.rollback and (self.readonly or check is None)


# How the transaction starts, ahead of everything: its mode can only change before its first query takes a
# snapshot (the reset's SELECT would). In the implicit transaction, plain SETs (SET TRANSACTION outside a
# block only warns); in a block, BEGIN names it. Either way a default a function left on the session
# (read-only, serializable) does not decide.
_HEADS = {
    (False, True): pgpipe.encode(["set transaction_isolation = 'read committed'", "set transaction_read_only = on"]),
    (False, False): pgpipe.encode(["set transaction_isolation = 'read committed'", "set transaction_read_only = off"]),
    (True, True): pgpipe.encode(["begin isolation level read committed read only"]),
    (True, False): pgpipe.encode(["begin isolation level read committed read write"]),
}


def before_statement(tx: Transaction, reset: bytes, *, block: bool) -> bytes:
    """What goes ahead of the statement in its round trip (`oricol.pgpipe`): how the transaction
    starts, `reset` (the previous borrower's leftovers), the role, claims and request settings local
    to the transaction, and the pre-request function; none returns a row."""
    return _HEADS[block, tx.readonly] + reset + _settings(tx)


# A client sends the same headers request after request: its settings messages are encoded once. Bounded (the
# headers can be kilobytes); emptied when full rather than tracked, as a burst of new clients refills it.
_SETTINGS: dict[tuple, bytes] = {}
_SETTINGS_KEPT = 256


def _settings(tx: Transaction) -> bytes:
    key = (tx.caller.role, tx.caller.claims_json, tuple(tx.settings.items()), tx.pre_request)
    encoded = _SETTINGS.get(key)
    if encoded is None:
        statements = [f"select {_set_configs(tx)} offset 1"]
        if tx.pre_request:
            statements.append("select " + ".".join(quote_ident(p) for p in tx.pre_request.split(".")) + "() offset 1")
        encoded = pgpipe.encode(statements)
        if len(_SETTINGS) >= _SETTINGS_KEPT:
            _SETTINGS.clear()
        _SETTINGS[key] = encoded
    return encoded


def _set_configs(tx: Transaction) -> str:
    """Each setting local to the transaction: nothing of the request outlives it."""
    pairs = [("role", tx.caller.role), ("request.jwt.claims", tx.caller.claims_json), *tx.settings.items()]
    return ", ".join(f"set_config({quote_literal(k)}, {quote_literal(_clean(v))}, true)" for k, v in pairs)


def _clean(value: str) -> str:
    return value.replace("\x00", "")


Check = Callable[[asyncpg.Record], None]


async def run(pool: asyncpg.Pool, tx: Transaction, statement: Sql, check: Check | None = None,
              then: Sql | None = None) -> asyncpg.Record:
    """The statement's one row; with `then`, a second statement in the same transaction whose first
    value is returned beside it (the EXPLAIN of `Prefer: count=planned`)."""
    text, args = render(statement)
    return await run_rendered(pool, tx, text, args, check, then)


async def run_rendered(pool: asyncpg.Pool, tx: Transaction, text: str, args: list, check: Check | None = None,
                       then: Sql | None = None) -> asyncpg.Record:
    """`run` of a statement already rendered (a read from the shape cache)."""
    async with request_session(pool) as conn:
        if tx.in_one_round_trip(check, then):
            row = _first(await _fetch(conn, tx, text, args, block=False))
            if check is not None:
                check(row)
            return row
        try:
            row = _first(await _fetch(conn, tx, text, args, block=True))
            if check is not None:
                check(row)
            if then is not None:
                then_text, then_args = render(then)
                row = (row, await conn.fetchval(then_text, *then_args))
        except asyncpg.PostgresError as exc:
            await _rollback(conn)
            if unavailable(exc):
                raise  # the gateway answers 503 with Retry-After
            raise errors.from_postgres(exc, tx.caller.role) from None
        except BaseException:
            await _rollback(conn)
            raise
        try:
            await conn.execute("rollback" if tx.rollback else "commit")
        except asyncpg.PostgresError as exc:  # deferred constraints fail at commit
            await _rollback(conn)
            raise errors.from_postgres(exc, tx.caller.role) from None
        return row


async def _fetch(conn: asyncpg.Connection, tx: Transaction, text: str, args: list, *, block: bool) -> list:
    """The statement's rows, in the round trip of everything `before_statement` puts ahead of it. In a
    block, a failure is re-raised as it is, for the caller to roll back first."""
    try:
        return await pgpipe.fetch_after(conn, before_statement(tx, conn.pipelined_reset(), block=block), text, args,
                                        prepare_as=_prepare_as(tx.caller.role))
    except asyncpg.PostgresError as exc:
        if block or unavailable(exc):
            raise  # (unavailable: the gateway answers 503 with Retry-After)
        raise errors.from_postgres(exc, tx.caller.role) from None


@functools.lru_cache(maxsize=64)
def _prepare_as(role: str) -> str:
    return f"select set_config('role', {quote_literal(role)}, false)"


def _first(rows: list) -> asyncpg.Record:
    return rows[0] if rows else None


async def _rollback(conn: asyncpg.Connection) -> None:
    try:
        await conn.execute("rollback")
    except (asyncpg.PostgresError, OSError, asyncpg.InterfaceError):
        pass


async def explain(pool: asyncpg.Pool, tx: Transaction, statement: Sql, options: str) -> list:
    """EXPLAIN of the request's statement, run as the caller and always rolled back (ANALYZE runs it)."""
    text, args = render(statement)
    async with request_session(pool) as conn:
        try:
            return await _fetch(conn, tx, f"explain ({options}) {text}", args, block=True)
        except asyncpg.PostgresError as exc:
            if unavailable(exc):
                raise
            raise errors.from_postgres(exc, tx.caller.role) from None
        finally:
            await _rollback(conn)
