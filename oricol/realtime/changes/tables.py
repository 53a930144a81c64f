"""What the change reader needs to know about a published table, beyond what pgoutput sends: type
names (realtime-js converts values by them), the primary key (all a DELETE on an RLS table shows) and
whether row-level security is on. Looked up in the catalog and kept for a few seconds."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import asyncpg

from . import pgoutput

_TTL = 5.0
_TABLE = """
select c.relrowsecurity as rls,
       coalesce((select array_agg(a.attname order by a.attnum)
                 from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
                 where i.indrelid = c.oid and i.indisprimary), '{}') as pkey
from pg_class c where c.oid = $1
"""
_TYPES = "select oid, typname, format_type(oid, null) as sql_type from pg_type where oid = any($1::oid[])"


@dataclass
class TableInfo:
    relation: pgoutput.Relation
    type_names: list[str]
    sql_types: list[str]  # as SQL names them (schema-qualified where needed): how RLS checks cast values
    key: list[str]
    rls: bool
    learned_at: float


class TableCatalog:
    def __init__(self, pool: asyncpg.Pool):
        self.pool = pool
        self.tables: dict[int, TableInfo] = {}
        self._types: dict[int, tuple[str, str]] = {}

    async def learn(self, relation: pgoutput.Relation) -> None:
        known = self.tables.get(relation.oid)
        if known and known.relation == relation and time.monotonic() - known.learned_at < _TTL:
            return
        missing = [c.type_oid for c in relation.columns if c.type_oid not in self._types]
        if missing:
            for row in await self.pool.fetch(_TYPES, missing):
                self._types[row["oid"]] = (row["typname"], row["sql_type"])
        row = await self.pool.fetchrow(_TABLE, relation.oid)
        rls = bool(row["rls"]) if row else False
        key = list(row["pkey"]) if row and row["pkey"] else [c.name for c in relation.columns if c.is_key]
        types = [self._types.get(c.type_oid, ("text", "text")) for c in relation.columns]
        self.tables[relation.oid] = TableInfo(relation, [t[0] for t in types], [t[1] for t in types], key, rls,
                                              time.monotonic())

    def describe(self, change: pgoutput.RowChange, commit_timestamp: str) -> dict[str, Any]:
        """A change as it travels between processes: text values, types and what the RLS check needs."""
        info = self.tables[change.relation_oid]
        relation = info.relation
        columns = [{"name": c.name, "type": t} for c, t in zip(relation.columns, info.type_names)]
        record = _row(relation, change.new, False)
        old = _row(relation, change.old, change.old_is_key_only)
        if record is not None and old and change.new is not None:
            # A large value an UPDATE did not change is not in the WAL's new row ("unchanged TOAST"); with
            # REPLICA IDENTITY FULL the old row has it, and it is the new row's value too.
            for column, value in zip(relation.columns, change.new):
                if value is pgoutput.UNCHANGED_TOAST and column.name in old:
                    record[column.name] = old[column.name]
        return {
            "schema": relation.schema, "table": relation.table, "type": change.kind,
            "commit_timestamp": commit_timestamp, "columns": columns,
            "record": record, "old": old,
            "key": info.key, "sql_types": info.sql_types,
            "rls": info.rls,
        }


def _row(relation: pgoutput.Relation, values: list | None, key_only: bool) -> dict[str, str | None] | None:
    if values is None:
        return None
    row: dict[str, str | None] = {}
    for column, value in zip(relation.columns, values):
        if value is pgoutput.UNCHANGED_TOAST or (key_only and not column.is_key):
            continue
        row[column.name] = value
    return row
