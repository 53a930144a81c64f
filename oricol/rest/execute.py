"""The only stage that touches the database: one transaction per request, as the caller.

The transaction start, the role, the claims and the request settings travel in one simple-protocol
message (so they cost one round trip); the request's own statement is prepared and cached by
asyncpg and answered in a second; the end of the transaction, with the connection's session reset
in the same message (`oricol.db.end_transaction`), is the third.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import asyncpg

from oricol.db import Caller, end_transaction, unavailable
from oricol.sql import Sql, quote_ident, quote_literal, render

from . import errors


@dataclass(frozen=True)
class Transaction:
    caller: Caller
    settings: Mapping[str, str]
    readonly: bool
    pre_request: str | None = None
    rollback: bool = False


def prelude(tx: Transaction) -> str:
    """BEGIN and every set_config in one message. Values are quoted literals here, not parameters,
    because the simple protocol (the only one that carries several statements) has none; the quoting
    is `oricol.sql.quote_literal`, the one literal-quoting function."""
    mode = " read only" if tx.readonly else ""
    pairs = [("role", tx.caller.role), ("request.jwt.claims", tx.caller.claims_json), *tx.settings.items()]
    calls = ", ".join(f"set_config({quote_literal(k)}, {quote_literal(_clean(v))}, true)" for k, v in pairs)
    text = f"begin isolation level read committed{mode}; select {calls};"
    if tx.pre_request:
        text += " select " + ".".join(quote_ident(p) for p in tx.pre_request.split(".")) + "();"
    return text


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
    async with pool.acquire() as conn:
        try:
            await conn.execute(prelude(tx))
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
            await end_transaction(conn, "rollback" if tx.rollback else "commit")
        except asyncpg.PostgresError as exc:  # deferred constraints fail at commit
            await _rollback(conn)
            raise errors.from_postgres(exc, tx.caller.role) from None
        return row


async def _rollback(conn: asyncpg.Connection) -> None:
    try:
        await conn.execute("rollback")
    except (asyncpg.PostgresError, OSError, asyncpg.InterfaceError):
        pass


async def explain(pool: asyncpg.Pool, tx: Transaction, statement: Sql, options: str) -> list:
    """EXPLAIN of the request's statement, run as the caller and always rolled back (ANALYZE runs it)."""
    text, args = render(statement)
    async with pool.acquire() as conn:
        try:
            await conn.execute(prelude(tx))
            return await conn.fetch(f"explain ({options}) {text}", *args)
        except asyncpg.PostgresError as exc:
            if unavailable(exc):
                raise
            raise errors.from_postgres(exc, tx.caller.role) from None
        finally:
            await _rollback(conn)
