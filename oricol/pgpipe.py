"""One round trip for a prepared statement and the statements that must run before it.

asyncpg sends every operation as its own exchange ending in Sync, so settings that must be in force
when a statement is bound (the role, which RLS reads while planning) cost a round trip of their own.
PostgreSQL's extended protocol allows more: messages up to a Sync form one implicit transaction, and
the server runs them in order (libpq's pipeline mode). Here the settings go as Parse/Bind/Execute
messages without a Sync, written just before asyncpg's own Bind/Execute/Sync of the statement, in the
same socket write. Their replies (ParseComplete, BindComplete, CommandComplete) are ones asyncpg's
bind-execute state already reads and skips, which is why every statement sent this way must return
no rows: a SELECT run for its side effects ends in `OFFSET 1` (the row is computed, then skipped).

If a statement before fails, PostgreSQL skips the rest up to the Sync and the error reaches the
caller as any asyncpg error, with nothing committed. If asyncpg refuses before sending (an argument
it cannot encode), the orphaned messages would poison the connection, so it is closed instead.
The asyncpg internals used (`_get_statement`, `_stmt_cache`, `_transport`, `_protocol.bind_execute`,
`queries_count`) are those of the pinned version; tests/foundation/test_pgpipe.py covers each path.
"""
from __future__ import annotations

import struct
from typing import Sequence

import asyncpg
from asyncpg import exceptions as pg_exceptions

_EMPTY_BIND = b"B" + struct.pack("!i", 12) + b"\0\0" + b"\0\0\0\0\0\0"  # unnamed portal and statement, no values
_EXECUTE = b"E" + struct.pack("!i", 9) + b"\0" + b"\0\0\0\0"  # the unnamed portal, all rows


def encode(statements: Sequence[str]) -> bytes:
    """Parse, Bind and Execute (unnamed, no parameters, no Sync) for each statement, in order. The
    texts are ours (values in them quoted by `oricol.sql.quote_literal`); a NUL cannot be sent."""
    return b"".join(_parse(text) + _EMPTY_BIND + _EXECUTE for text in statements)


def _parse(text: str) -> bytes:
    """Parse into the unnamed statement, parameter types left for the server to infer (as asyncpg's)."""
    body = b"\0" + text.replace("\x00", "").encode() + b"\0\0\0"
    return b"P" + struct.pack("!i", len(body) + 4) + body


async def fetch_after(conn: asyncpg.Connection, before: bytes, query: str, args: Sequence, prepare_as: str) -> list:
    """The rows of the prepared `query`, run after the `encode`d statements `before` in the same
    implicit transaction and round trip. The statement is prepared (or found in asyncpg's cache)
    first, so only Bind/Execute/Sync follow `before`. Preparing looks names up, and a schema's USAGE
    is checked then, so a statement not yet prepared is prepared after `prepare_as` (a simple query
    putting the caller's role in force for the session; `before` is expected to reset it)."""
    for attempt in (1, 2):
        if conn._stmt_cache.get((query, conn._protocol.get_record_class(), False)) is None:
            await conn.execute(prepare_as)
            state = await conn._get_statement(query, None)
            # asyncpg prepares with Parse/Describe/Flush, not Sync: the transaction that parsed it (and took a
            # snapshot) is still open and `before` would join it, too late to set its mode. A simple query ends it.
            await conn.execute("select")
        else:
            state = await conn._get_statement(query, None)
        sent = conn._protocol.queries_count
        if not state.name:
            # Too large for asyncpg's cache, it was prepared as the unnamed statement, which `before` replaces:
            # parse it there again, last (the same text, so the same parameter types as asyncpg described).
            conn._transport.write(before + _parse(query))
        else:
            conn._transport.write(before)
        try:
            return await conn._protocol.bind_execute(state, args, "", 0, False, None)  # type: ignore[no-any-return]
        except pg_exceptions.InvalidCachedStatementError:
            # The statement's result type changed under it (DDL): nothing ran; prepare again, once.
            conn._drop_global_statement_cache()
            if attempt == 2:
                raise
        except pg_exceptions.OutdatedSchemaCacheError:
            await conn.reload_schema_state()
            raise
        except BaseException:
            if conn._protocol.queries_count == sent and not conn.is_closed():
                # asyncpg refused before sending its Bind (an argument it cannot encode): `before` is on
                # the wire without a Sync and would run with whatever comes next. Close instead.
                conn.terminate()
            raise
    raise AssertionError("unreachable")
