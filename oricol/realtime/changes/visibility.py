"""Which changes each subscriber may see: decided in PostgreSQL, per distinct role+claims, in one round
trip per table per batch of changes.

A caller must have SELECT on the table. On tables with row-level security, the caller's SELECT policies
are evaluated as that caller (role and `request.jwt.claims` set, as for a request) on the rows as they
were committed, rebuilt from the WAL with json_populate_record: so a row deleted or changed since is
judged as it was, and `auth.uid()` in a policy means the subscriber. The loop over callers runs inside
PostgreSQL (`realtime.oricol_visible_rows`, migration 0400), so 500 distinct users cost one statement,
not 500 transactions. A DELETE cannot be judged by its row; it goes to callers who may SELECT from
the table, and on RLS tables only its primary key is shown (as Supabase does).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Hashable, Mapping

import asyncpg

from oricol.db import Caller
from oricol.sql import ident, quote_ident, render, raw

_ACCESS = """
select has_table_privilege($3::text, c.oid, 'SELECT') as can_select,
       (not c.relrowsecurity or r.rolbypassrls
        or (pg_has_role($3::text, c.relowner, 'member') and not c.relforcerowsecurity)) as exempt,
       array_agg(pg_get_expr(p.polqual, p.polrelid)) filter (where p.polqual is not null) as quals,
       array_agg(p.polpermissive) filter (where p.polqual is not null) as permissive
from pg_class c
join pg_roles r on r.rolname = $3::text
left join pg_policy p on p.polrelid = c.oid and p.polcmd in ('r', '*')
  and (0 = any(p.polroles) or exists (select 1 from unnest(p.polroles) as pr(oid)
                                      where pg_has_role($3::text, pr.oid, 'member')))
where c.oid = to_regclass(format('%I.%I', $1::text, $2::text))
group by c.oid, c.relrowsecurity, r.rolbypassrls, c.relowner, c.relforcerowsecurity
"""
_ROLE_EXISTS = "select exists(select 1 from pg_roles where rolname = $1)"
_EVALUATE = "select grp, idx from realtime.oricol_visible_rows($1, $2, $3, $4, $5)"


@dataclass(frozen=True)
class Access:
    can_select: bool
    policy: str | bool | None  # True: RLS does not apply; None: no policy lets anything through


class AccessCache:
    """What a role may do on a table (grants and policies), looked up once per batch of changes, so a
    policy change applies from the next batch on."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str, str], Access] = {}

    async def get(self, conn: asyncpg.Connection, schema: str, table: str, role: str) -> Access:
        key = (schema, table, role)
        if key not in self._known:
            self._known[key] = await _load_access(conn, schema, table, role)
        return self._known[key]


async def _load_access(conn: asyncpg.Connection, schema: str, table: str, role: str) -> Access:
    if not await conn.fetchval(_ROLE_EXISTS, role):
        return Access(False, None)
    row = await conn.fetchrow(_ACCESS, schema, table, role)
    if row is None or not row["can_select"]:
        return Access(False, None)
    if row["exempt"]:
        return Access(True, True)
    pairs = list(zip(row["quals"] or [], row["permissive"] or []))
    permissive = [q for q, p in pairs if p]
    restrictive = [q for q, p in pairs if not p]
    if not permissive:
        return Access(True, None)
    expression = "(" + " or ".join(f"({q})" for q in permissive) + ")"
    return Access(True, " and ".join([expression] + [f"({q})" for q in restrictive]))


async def visible(pool: asyncpg.Pool, callers: Mapping[Hashable, Caller],
                  wanted: Mapping[Hashable, set[int]], changes: list[dict[str, Any]]) -> dict[Hashable, set[int]]:
    """For each group (a distinct role+claims), which of the changes it wants it may see."""
    allowed: dict[Hashable, set[int]] = {group: set() for group in callers}
    cache = AccessCache()
    by_table: dict[tuple[str, str], dict[Hashable, set[int]]] = defaultdict(dict)
    for group, indices in wanted.items():
        for index in indices:
            change = changes[index]
            by_table[(change["schema"], change["table"])].setdefault(group, set()).add(index)
    async with pool.acquire() as conn, conn.transaction():
        for (schema, table), groups in by_table.items():
            await _table(conn, cache, schema, table, groups, callers, changes, allowed)
    return allowed


async def _table(conn: asyncpg.Connection, cache: AccessCache, schema: str, table: str,
                 groups: dict[Hashable, set[int]], callers: Mapping[Hashable, Caller],
                 changes: list[dict[str, Any]], allowed: dict[Hashable, set[int]]) -> None:
    to_check: list[tuple[Hashable, str]] = []
    for group, indices in groups.items():
        access = await cache.get(conn, schema, table, callers[group].role)
        if not access.can_select:
            continue
        allowed[group] |= {i for i in indices if changes[i]["type"] == "DELETE"}
        if access.policy is True:
            allowed[group] |= indices
        elif access.policy is not None:
            to_check.append((group, access.policy))
    rows = sorted({i for group, _ in to_check for i in groups[group] if changes[i]["type"] != "DELETE"})
    if not rows:
        return
    queries = {policy: _query(schema, table, policy) for _, policy in to_check}
    found = await conn.fetch(
        _EVALUATE, [callers[g].role for g, _ in to_check], [callers[g].claims_json for g, _ in to_check],
        [queries[policy] for _, policy in to_check], rows, [changes[i]["record"] or {} for i in rows])
    for record in found:
        group = to_check[record["grp"] - 1][0]
        if record["idx"] in groups[group]:
            allowed[group].add(record["idx"])


def _query(schema: str, table: str, policy: str) -> str:
    """The rows ($3, as committed) the policy lets through, tagged with the group number ($1). The
    policy text is PostgreSQL's own rendering of the table's policies (pg_get_expr), not input; the
    row is named after the table so qualified column references in it still resolve."""
    text, _ = render(raw("select $1::int, u.i from unnest($2::int[], $3::json[]) as u(i, r), "
                         "lateral json_populate_record(null::") + ident(schema, table)
                     + raw(", u.r) as " + quote_ident(table) + " where " + policy))
    return text
