"""Which changes a subscriber may see: checked in PostgreSQL as the subscriber's role and claims.

One transaction per distinct role+claims per batch of changes, one statement per table in it: the
caller must have SELECT on the table, and on tables with row-level security the caller's SELECT
policies are evaluated, as that caller, on the rows as they were committed (rebuilt from the WAL), so
a row deleted since is judged as it was. A DELETE cannot be re-read; it is shown to callers who may SELECT from the table at all, and
on RLS tables only its primary key is shown (as Supabase does).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Sequence

import asyncpg

from oricol.db import Caller, as_caller
from oricol.sql import Sql, ident, param, raw, render

_POLICIES = """
select (not c.relrowsecurity or r.rolbypassrls or (pg_has_role(current_user, c.relowner, 'member') and not c.relforcerowsecurity)) as exempt,
       array_agg(pg_get_expr(p.polqual, p.polrelid)) filter (where p.polqual is not null) as quals,
       array_agg(p.polpermissive) filter (where p.polqual is not null) as permissive
from pg_class c
join pg_roles r on r.rolname = current_user
left join pg_policy p on p.polrelid = c.oid and p.polcmd in ('r', '*')
  and (0 = any(p.polroles) or exists (select 1 from unnest(p.polroles) as pr(oid)
                                      where pg_has_role(current_user, pr.oid, 'member')))
where c.oid = format('%I.%I', $1::text, $2::text)::regclass
group by c.relrowsecurity, r.rolbypassrls, c.relowner, c.relforcerowsecurity
"""
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
    rows = [(index, change) for index, change in items if index not in seen]
    if not rows:
        return seen
    policy = await _policy(conn, schema, table)
    if policy is None:
        return seen
    if policy is True:
        return seen | {index for index, _ in rows}
    text, args = render(_evaluate(schema, table, policy, rows))
    found = await _guarded_rows(conn, text, *args)
    return seen | {row[0] for row in found}


async def _policy(conn: asyncpg.Connection, schema: str, table: str) -> str | bool | None:
    """The caller's SELECT policies on the table as one boolean expression; True when RLS does not
    apply (off for the table, BYPASSRLS, or the owner of a table without FORCE), None when no policy lets
    anything through."""
    row = await conn.fetchrow(_POLICIES, schema, table)
    if row is None:
        return None
    if row["exempt"]:
        return True
    permissive = [q for q, p in zip(row["quals"] or [], row["permissive"] or []) if p]
    restrictive = [q for q, p in zip(row["quals"] or [], row["permissive"] or []) if not p]
    if not permissive:
        return None
    expression = "(" + " or ".join(f"({q})" for q in permissive) + ")"
    return " and ".join([expression] + [f"({q})" for q in restrictive])


def _evaluate(schema: str, table: str, policy: str, rows: list[tuple[int, dict[str, Any]]]) -> Sql:
    """The policy applied to the rows as committed (from the WAL), not as they are now: each row is
    rebuilt with json_populate_record under the table's own name, so qualified references work.
    The expression text is PostgreSQL's own rendering of the policies (pg_get_expr), not input."""
    indices = param([index for index, _ in rows], "int[]")
    records = param([change["record"] or {} for _, change in rows], "json[]")  # the pool encodes json
    return (raw("select u.i from unnest(") + indices + raw(", ") + records + raw(") as u(i, r), ")
            + raw("lateral json_populate_record(null::") + ident(schema, table) + raw(", u.r) as ")
            + ident(table) + raw(" where " + policy))


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
