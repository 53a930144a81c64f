"""Running DDL for the write endpoints: identifiers quoted by oricol.sql, values as literals, one statement
at a time inside the request's transaction.

DDL takes no parameters, so a value (a comment, a literal default) is written as a quoted literal, the
one place oricol.sql.quote_literal is meant for. postgres-meta's API takes some SQL on purpose — a
policy's USING and WITH CHECK, a column's CHECK and an expression default — and splices it; each
statement goes through the extended protocol, which refuses more than one command, so such text can
only ever be an expression inside the one statement it was meant for.
"""
from __future__ import annotations

from typing import Any

import asyncpg
import orjson

from oricol.sql import Sql, quote_ident, quote_literal, raw, render

from . import errors


async def run(conn: asyncpg.Connection, statements: list[Sql]) -> None:
    for statement in statements:
        text, args = render(statement)
        await conn.fetch(text, *args)


def literal(value: Any) -> Sql:
    """A JSON value from a request as an SQL literal (postgres-meta's default_value_format 'literal')."""
    if value is None:
        return raw("NULL")
    if isinstance(value, bool):
        return raw("true" if value else "false")
    if isinstance(value, (dict, list)):
        return raw(quote_literal(orjson.dumps(value).decode()))
    return raw(quote_literal(str(value)))


def text_literal(value: str) -> Sql:
    return raw(quote_literal(value))


def name(value: str) -> Sql:
    return raw(quote_ident(value))


def alter(kind: str, old_name: str, clauses: list[Sql], new_name: str | None = None) -> list[Sql]:
    """`alter <kind> <old_name> <clause>` for each clause, then the rename when the name changes: last,
    since the statements before it name the object by its old name. `kind` is our own word (`role`)."""
    this = raw(f"alter {kind} ") + name(old_name)
    statements = [this + raw(" ") + clause for clause in clauses]
    if new_name is not None and new_name != old_name:
        statements.append(this + raw(" rename to ") + name(new_name))
    return statements


def comment_literal(value: str | None) -> Sql:
    return raw("NULL") if value is None else text_literal(value)


async def type_name(conn: asyncpg.Connection, written: str) -> Sql:
    """The type a request names, as SQL text PostgreSQL's own type parser accepted.

    As postgres-meta, a name is first taken as an identifier (`MyEnum`, `int8[]`, `app.status`); failing
    that, as a type expression PostgreSQL knows (`varchar(255)`, `double precision`). Text that is not a
    type is refused before it reaches any statement.
    """
    base, array = (written[:-2], "[]") if written.endswith("[]") else (written, "")
    schema, _, local = base.rpartition(".")
    quoted = (quote_ident(schema) + "." if schema else "") + quote_ident(local) + array
    found = await conn.fetchval(
        "select case when to_regtype($1) is not null then $1 when to_regtype($2) is not null then $2 end",
        quoted, written)
    if found is None:
        raise errors.bad_request(f'type "{written}" does not exist')
    return raw(found)
