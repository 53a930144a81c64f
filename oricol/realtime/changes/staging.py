"""The rows of a batch of changes, as committed, staged in typed temporary tables so that each
subscriber's policy check reads them as rows of their table rather than rebuilding them.

One temporary table per published table and shape (its columns and types when first seen), on the
visibility checker's own connection: `ON COMMIT DELETE ROWS`, so each batch's transaction empties it
without leaving dead rows behind. Values arrive from the WAL as PostgreSQL's text output and are cast
back with each column's type (`text::type` is the type's own input function), so a jsonb or enum
column is exactly what the policy would have seen. The shape is the one the WAL describes the rows
with (pgoutput's relation message), and a table whose shape changed gets a new staging table (its
name carries the shape), so an ALTER TABLE never meets a stale one.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import asyncpg

from oricol.sql import quote_ident

IDX = "oricol_rt_idx"  # the change's position in the batch; a name no table is likely to use


@dataclass(frozen=True)
class Stage:
    name: str  # the temporary table, in pg_temp
    columns: tuple[tuple[str, str], ...]  # (name, SQL type) in the table's order


class Staging:
    def __init__(self) -> None:
        self._created: dict[str, Stage] = {}

    def forget(self) -> None:
        """A new connection: its temporary tables are yet to be made."""
        self._created.clear()

    async def stage(self, conn: asyncpg.Connection, schema: str, table: str, shape: tuple[tuple[str, str], ...],
                    indices: list[int], records: list[dict[str, Any]]) -> Stage:
        """Put the rows (of `shape`: column names and SQL types) in this table's staging table, within
        the caller's transaction."""
        digest = hashlib.sha1(repr((schema, table, shape)).encode()).hexdigest()[:20]
        stage = self._created.get(digest)
        if stage is None:
            stage = Stage(f"oricol_rt_{digest}", shape)
            columns = ", ".join(f"{quote_ident(name)} {sql_type}" for name, sql_type in shape)
            await conn.execute(f"create temporary table if not exists {stage.name} ({columns}, {IDX} int) "
                               f"on commit delete rows; grant select on pg_temp.{stage.name} to public")
            self._created[digest] = stage
        width = len(shape)
        casts = ", ".join(f"($2::text[])[(n - 1) * {width} + {j + 1}]::{sql_type}"
                          for j, (_, sql_type) in enumerate(shape))
        values = [record.get(name) for record in records for name, _ in shape]
        await conn.execute(f"insert into pg_temp.{stage.name} select {casts}, ($1::int[])[n] "
                           f"from generate_series(1, cardinality($1::int[])) as n", indices, values)
        return stage
