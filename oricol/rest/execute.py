"""The only stage that touches the database: each request as the caller, in as few round trips as
its kind allows.

A plain read (no pre-request function, no second statement) costs two round trips: one
simple-protocol message resets the pooled connection's session (whatever the previous borrower left)
and sets the role, the claims, the request settings and the read-only default for the session; the
request's statement, prepared and cached by asyncpg, then runs in its own implicit transaction,
read-only, with the role already in force when it is bound and planned (so RLS sees the caller).
The settings stay on the connection afterwards: the next request resets them in its own first
message, and any other borrower of the pool gets the reset on acquire (`oricol.db.request_session`).

Writes, and reads with a pre-request function or a second statement, keep a real transaction:
BEGIN, the reset and the settings (local to the transaction) in the first message, the statement in
a second, COMMIT in a third.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import asyncpg

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

    @property
    def in_one_statement(self) -> bool:
        """A read with nothing else to run beside its statement: no transaction block needed."""
        return self.readonly and not self.pre_request and not self.rollback


def prelude(tx: Transaction, reset: str = "") -> str:
    """BEGIN, `reset` and every set_config in one message. Values are quoted literals here, not
    parameters, because the simple protocol (the only one that carries several statements) has none;
    the quoting is `oricol.sql.quote_literal`, the one literal-quoting function. BEGIN comes first and
    names its mode, because the previous borrower's defaults (a read's read-only) are still in force
    until the reset, and a mode can only be set before the transaction's first query. (A rollback
    also undoes the reset: the connection stays marked for the next borrower to reset.)"""
    mode = " read only" if tx.readonly else " read write"
    text = f"begin isolation level read committed{mode};\n{reset}\nselect {_set_configs(tx, local=True)};"
    if tx.pre_request:
        text += " select " + ".".join(quote_ident(p) for p in tx.pre_request.split(".")) + "();"
    return text


def session_prelude(tx: Transaction, reset: str) -> str:
    """`reset`, then the settings for the session, with read-only as the default transaction mode:
    the statement that follows runs in its own implicit transaction, read-only, as the caller."""
    return (f"{reset}\nselect {_set_configs(tx, local=False)}, "
            "set_config('default_transaction_isolation', 'read committed', false), "
            "set_config('default_transaction_read_only', 'on', false);")


def _set_configs(tx: Transaction, *, local: bool) -> str:
    pairs = [("role", tx.caller.role), ("request.jwt.claims", tx.caller.claims_json), *tx.settings.items()]
    scope = "true" if local else "false"
    return ", ".join(f"set_config({quote_literal(k)}, {quote_literal(_clean(v))}, {scope})" for k, v in pairs)


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
        if then is None and tx.in_one_statement:
            return await _read(conn, tx, text, args, check)
        try:
            await conn.execute(prelude(tx, conn.get_reset_query()))
            row = await conn.fetchrow(text, *args)
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


async def _read(conn: asyncpg.Connection, tx: Transaction, text: str, args: list,
                check: Check | None) -> asyncpg.Record:
    try:
        await conn.execute(session_prelude(tx, conn.get_reset_query()))
        row = await conn.fetchrow(text, *args)
    except asyncpg.PostgresError as exc:
        if unavailable(exc):
            raise
        raise errors.from_postgres(exc, tx.caller.role) from None
    if check is not None:
        check(row)
    return row


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
            await conn.execute(prelude(tx, conn.get_reset_query()))
            return await conn.fetch(f"explain ({options}) {text}", *args)
        except asyncpg.PostgresError as exc:
            if unavailable(exc):
                raise
            raise errors.from_postgres(exc, tx.caller.role) from None
        finally:
            await _rollback(conn)
