"""Which changes each subscriber may see: decided in PostgreSQL, per distinct role+claims, in one round
trip per table per batch of changes.

A caller must have SELECT on the table. On tables with row-level security, the caller's SELECT policies
are evaluated as that caller (role and `request.jwt.claims` set, as for a request) on the rows as they
were committed, staged from the WAL in typed temporary tables (`staging.py`): so a row deleted or
changed since is judged as it was, and `auth.uid()` in a policy means the subscriber. The loop over callers runs inside
PostgreSQL (`realtime.oricol_visible_rows`, migrations 0400 and 0402), so 500 distinct users cost one
statement, not 500 transactions; each table's policy query is prepared once per connection, so a
subscriber costs an execution of a planned statement, not a parse and plan. A DELETE cannot be judged
by its row; it goes to callers who may SELECT from the table, and on RLS tables only its primary key is
shown (as Supabase does).
"""
from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Hashable, Literal, Mapping, Optional

import asyncpg

from oricol.db import Caller
from oricol.sql import quote_ident

from .staging import IDX, Stage, Staging

_ACCESS = """
select has_table_privilege($3::text, c.oid, 'SELECT') as can_select,
       array(select a.attname::text from pg_attribute a
             where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
               and has_column_privilege($3::text, c.oid, a.attnum, 'SELECT')) as columns,
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
_EVALUATE = "select grp, idx from realtime.oricol_visible_rows($1, $2, $3)"
_MAX_PREPARED = 1000
log = logging.getLogger("oricol.realtime.changes")


@dataclass(frozen=True)
class Access:
    can_select: bool
    policy: str | Literal[True] | None  # True: RLS does not apply; None: no policy lets anything through
    columns: frozenset[str] | None = None  # with SELECT on some columns only (column grants): those


Columns = Optional[frozenset]  # the columns a caller may see of a visible change; None: every column


class AccessCache:
    """What a role may do on a table (grants and policies), looked up once per batch of changes, so a
    policy change applies from the next batch on."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str, str], Access] = {}

    async def get(self, conn: asyncpg.Connection, schema: str, table: str, role: str) -> Access:
        key = (schema, table, role)
        access = self._known.get(key)
        if access is None:
            access = self._known[key] = await _load_access(conn, schema, table, role)
        return access


async def _load_access(conn: asyncpg.Connection, schema: str, table: str, role: str) -> Access:
    row = await conn.fetchrow(_ACCESS, schema, table, role)  # no row: no such role or table
    if row is None or not (row["can_select"] or row["columns"]):
        return Access(False, None)
    # SELECT on the table covers every column; else only the columns granted (as Supabase shows them)
    columns = None if row["can_select"] else frozenset(row["columns"])
    if row["exempt"]:
        return Access(True, True, columns)
    pairs = list(zip(row["quals"] or [], row["permissive"] or []))
    permissive = [q for q, p in pairs if p]
    restrictive = [q for q, p in pairs if not p]
    if not permissive:
        return Access(True, None, columns)
    expression = "(" + " or ".join(f"({q})" for q in permissive) + ")"
    return Access(True, " and ".join([expression] + [f"({q})" for q in restrictive]), columns)


class Visibility:
    """Decides visibility on a connection of its own, where each distinct policy query is prepared
    once (`PREPARE`, named after its text) and the batch's rows sit in a temporary table."""

    def __init__(self, admin_url: str):
        self.admin_url = admin_url
        self._conn: asyncpg.Connection | None = None
        self._prepared: set[str] = set()
        self._staging = Staging()

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                await conn.close(timeout=2)
            except Exception:  # closing anyway
                conn.terminate()

    async def _connection(self) -> asyncpg.Connection:
        if self._conn is None or self._conn.is_closed():
            conn = await asyncpg.connect(self.admin_url)
            self._conn, self._prepared = conn, set()
            self._staging.forget()
        return self._conn

    async def visible(self, callers: Mapping[Hashable, Caller], wanted: Mapping[Hashable, set[int]],
                      changes: list[dict[str, Any]]) -> dict[Hashable, dict[int, Columns]]:
        """For each group (a distinct role+claims), which of the changes it wants it may see, and which
        of their columns (None: all)."""
        try:
            return await self._visible(await self._connection(), callers, wanted, changes)
        except (asyncpg.PostgresConnectionError, OSError, asyncpg.InterfaceError):
            await self._drop()
            raise

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.terminate()

    async def _visible(self, conn: asyncpg.Connection, callers: Mapping[Hashable, Caller],
                       wanted: Mapping[Hashable, set[int]], changes: list[dict[str, Any]]
                       ) -> dict[Hashable, dict[int, Columns]]:
        allowed: dict[Hashable, dict[int, Columns]] = {group: {} for group in callers}
        cache = AccessCache()
        by_table: dict[tuple[str, str], dict[Hashable, set[int]]] = defaultdict(dict)
        tables = {(change["schema"], change["table"]) for change in changes}
        if len(tables) == 1:  # the common batch, all of one table: each group's changes as they are
            by_table[tables.pop()] = dict(wanted)
        else:
            for group, indices in wanted.items():
                for index in indices:
                    change = changes[index]
                    by_table[(change["schema"], change["table"])].setdefault(group, set()).add(index)
        async with conn.transaction():
            for (schema, table), groups in by_table.items():
                await self._table(conn, cache, schema, table, groups, callers, changes, allowed)
        return allowed

    async def _table(self, conn: asyncpg.Connection, cache: AccessCache, schema: str, table: str,
                     groups: dict[Hashable, set[int]], callers: Mapping[Hashable, Caller],
                     changes: list[dict[str, Any]], allowed: dict[Hashable, dict[int, Columns]]) -> None:
        deletes = {i for indices in groups.values() for i in indices if changes[i]["type"] == "DELETE"}
        by_policy: dict[str, list[Hashable]] = defaultdict(list)  # groups whose rows a policy must judge
        columns: dict[Hashable, Columns] = {}
        # looked up per distinct role (a handful), not per group (one per user)
        accesses = {role: await cache.get(conn, schema, table, role) for role in {callers[g].role for g in groups}}
        for group, indices in groups.items():
            access = accesses[callers[group].role]
            if not access.can_select:
                continue
            columns[group] = access.columns
            if access.policy is True:
                allowed[group].update(dict.fromkeys(indices, access.columns))
            else:
                if deletes:
                    allowed[group].update(dict.fromkeys(indices & deletes, access.columns))
                if access.policy is not None:
                    by_policy[access.policy].append(group)
        rows = sorted(set().union(*(groups[g] for members in by_policy.values() for g in members)) - deletes)
        if not rows:
            return
        # rows of one table in one batch share its shape, unless it was altered in between: stage by shape
        by_shape: dict[tuple, list[int]] = defaultdict(list)
        for i in rows:
            by_shape[tuple(zip((c["name"] for c in changes[i]["columns"]), changes[i]["sql_types"]))].append(i)
        for shape, members in by_shape.items():
            stage = await self._staging.stage(conn, schema, table, shape, members,
                                              [changes[i]["record"] or {} for i in members])
            await self._evaluate(conn, schema, table, stage, by_policy, groups, callers, columns, allowed)

    async def _evaluate(self, conn: asyncpg.Connection, schema: str, table: str, stage: Stage,
                        by_policy: dict[str, list[Hashable]], groups: dict[Hashable, set[int]],
                        callers: Mapping[Hashable, Caller], columns: dict[Hashable, Columns],
                        allowed: dict[Hashable, dict[int, Columns]]) -> None:
        checked: list[Hashable] = []
        names: list[str] = []
        for policy, members in by_policy.items():
            name = await self._prepare(conn, schema, table, stage, policy)
            if name is not None:  # a policy that cannot even be prepared lets nothing through
                checked.extend(members)
                names.extend([name] * len(members))
        # Groups of one role together: a plan that read other tables under RLS is re-planned when the role changes.
        order = sorted(range(len(checked)), key=lambda n: callers[checked[n]].role)
        checked, names = [checked[n] for n in order], [names[n] for n in order]
        found = await conn.fetch(_EVALUATE, [callers[g].role for g in checked],
                                 [callers[g].claims_json for g in checked], names)
        for number, indices in found:
            group = checked[number - 1]
            if not indices:
                continue
            if indices[0] == -1:  # the policy failed for this caller (an error in it): sees nothing
                log.debug("realtime: SELECT policy of %s.%s failed for a subscriber", schema, table)
                continue
            wanted = groups[group]
            allowed[group].update(dict.fromkeys(wanted.intersection(indices), columns[group]))

    async def _prepare(self, conn: asyncpg.Connection, schema: str, table: str, stage: Stage,
                       policy: str) -> str | None:
        text = _query(table, stage, policy)
        name = "oricol_rls_" + hashlib.sha1(text.encode()).hexdigest()[:24]
        if name not in self._prepared:
            if len(self._prepared) >= _MAX_PREPARED:  # policies changed many times: start over
                await conn.execute("deallocate all")
                self._prepared.clear()
            try:
                async with conn.transaction():  # a savepoint: a policy that cannot be prepared fails alone
                    await conn.execute(f"prepare {quote_ident(name)}(int) as {text}")
            except asyncpg.PostgresError:
                log.warning("realtime: cannot evaluate the SELECT policies of %s.%s", schema, table, exc_info=True)
                return None
            self._prepared.add(name)
        return name


def _query(table: str, stage: Stage, policy: str) -> str:
    """The positions of the staged rows that the policy lets through, as one array, tagged with the
    group number ($1). The policy text
    is PostgreSQL's own rendering of the table's policies (pg_get_expr), not input; the staged rows
    are named after the table so qualified column references in the policy still resolve."""
    return (f"select $1::int, array_agg({quote_ident(table)}.{IDX}) from pg_temp.{stage.name} "
            f"as {quote_ident(table)} where {policy}")
