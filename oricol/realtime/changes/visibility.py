"""Which changes a subscriber may see: checked in PostgreSQL as the subscriber's role and claims.

One transaction per distinct role+claims per batch of changes, one statement per table in it: the
changed rows are looked up by primary key as that caller, so the table's RLS policies and grants
decide. A DELETE cannot be re-read; it is shown to callers who may SELECT from the table at all, and
on RLS tables only its primary key is shown (as Supabase does).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Sequence

import asyncpg

from oricol.db import Caller, as_caller
from oricol.sql import Sql, ident, join, param, raw, render

_PRIVILEGE = "select has_table_privilege(format('%I.%I', $1::text, $2::text), 'SELECT')"


async def visible(pool: asyncpg.Pool, caller: Caller, changes: Sequence[tuple[int, dict[str, Any]]]) -> set[int]:
    """The indices (first of each pair) of the changes `caller` may see."""
    by_table: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for index, change in changes:
        by_table[(change["schema"], change["table"])].append((index, change))
    seen: set[int] = set()
    async with as_caller(pool, caller, readonly=True) as conn:
        for (schema, table), items in by_table.items():
            seen |= await _visible_in_table(conn, schema, table, items)
    return seen


async def _visible_in_table(conn: asyncpg.Connection, schema: str, table: str,
                            items: list[tuple[int, dict[str, Any]]]) -> set[int]:
    if not await _guarded(conn, _PRIVILEGE, schema, table):
        return set()
    seen = {index for index, change in items if change["type"] == "DELETE"}
    rows = [(index, change) for index, change in items if change["type"] != "DELETE"]
    if not rows:
        return seen
    key, key_types = rows[0][1]["key"], rows[0][1]["key_types"]
    if not key or len(key) != len(key_types):
        # No primary key to re-read the row by: visible only where RLS does not apply.
        return seen | {index for index, change in rows if not change["rls"]}
    text, args = render(_lookup(schema, table, key, key_types, rows))
    found = await _guarded_rows(conn, text, *args)
    return seen | {row[0] for row in found}


def _lookup(schema: str, table: str, key: list[str], key_types: list[str],
            rows: list[tuple[int, dict[str, Any]]]) -> Sql:
    """select u.i from unnest(indices, key values...) u where the row exists under the caller's RLS."""
    columns = [[(change["record"] or {}).get(name) for _, change in rows] for name in key]
    aliases = [f"k{n}" for n in range(len(key))]
    unnest = join(", ", [param([index for index, _ in rows], "int[]")]
                  + [param(values, "text[]") for values in columns])
    matches = join(" and ", [raw("t.") + ident(name) + raw(" = u." + alias + "::" + sql_type)
                             for name, alias, sql_type in zip(key, aliases, key_types)])
    return (raw("select u.i from unnest(") + unnest + raw(") as u(i, " + ", ".join(aliases) + ") ")
            + raw("where exists (select 1 from ") + ident(schema, table) + raw(" t where ") + matches + raw(")"))


async def _guarded(conn: asyncpg.Connection, query: str, *args: Any) -> bool:
    try:
        async with conn.transaction():
            return bool(await conn.fetchval(query, *args))
    except (asyncpg.InsufficientPrivilegeError, asyncpg.UndefinedTableError, asyncpg.InvalidSchemaNameError):
        return False


async def _guarded_rows(conn: asyncpg.Connection, query: str, *args: Any) -> list:
    try:
        async with conn.transaction():
            return await conn.fetch(query, *args)
    except (asyncpg.InsufficientPrivilegeError, asyncpg.UndefinedTableError, asyncpg.InvalidSchemaNameError):
        return []
