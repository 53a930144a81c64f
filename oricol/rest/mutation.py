"""The SQL of writes: INSERT (with upsert), UPDATE, DELETE as a data-modifying CTE named
`pgrst_source`, answered by the same kind of final SELECT as reads (count, JSON body, Location).

The payload is one text parameter that PostgreSQL parses as JSON and spreads into the table's row
type with json_populate_record, so Python never touches a row's values.
"""
from __future__ import annotations

import dataclasses

from oricol.sql import EMPTY, Sql, ident, join, param, raw

from .plan import ReadNode
from .query import RESPONSE_GUCS, body_sql, condition_sql, node_sql, order_sql, paging_sql
from .schema_cache import Table

SOURCE = "pgrst_source"


def _payload(payload: str) -> Sql:
    return raw("_pgrst_payload as (select ") + param(payload, "text") + raw("::json as p)")


def _rows(table: Table) -> Sql:
    return (raw("json_array_elements((select case when json_typeof(p) = 'array' then p else json_build_array(p) "
                "end from _pgrst_payload)) as _pgrst_e(j) cross join lateral json_populate_record(null::")
            + ident(table.schema, table.name) + raw(", _pgrst_e.j) as _pgrst_rec"))


def _value(table: Table, column: str, missing_default: bool) -> Sql:
    value = ident("_pgrst_rec", column)
    default = table.columns[column].default if column in table.columns else None
    if missing_default and default:
        # A key absent from an object takes the column default, evaluated per row.
        return (raw("case when _pgrst_e.j -> ") + param(column, "text") + raw(" is null then ") + raw(default)
                + raw(" else ") + value + raw(" end"))
    return value


def returned_columns(kind: str, table: Table) -> list[str]:
    """The columns a write returns into `pgrst_source` (none for return=minimal)."""
    if kind == "representation":
        return list(table.columns)
    if kind == "headers-only" and table.pk:
        return list(table.pk)
    return []


def returning_sql(kind: str, table: Table, alias: str) -> Sql:
    if kind == "representation":
        return raw(" returning ") + ident(alias) + raw(".*")
    if kind == "headers-only" and table.pk:
        return raw(" returning ") + join(", ", [ident(alias, c) for c in table.pk])
    return raw(" returning 1")


INSERTED = "_pgrst_inserted"


def _counting_inserts(insert: Sql, columns: list[str]) -> Sql:
    """An upsert answers 201 only when it inserted a row and 200 when it only updated, as PostgREST
    does; `xmax = 0` tells a freshly inserted row from an updated one. The flag stays out of
    `pgrst_source`, whose columns are the table's (a `select=*` must not see it)."""
    kept = join(", ", [ident(c) for c in columns]) if columns else raw("1")
    return (raw("_pgrst_written as (") + insert + raw(f", (xmax = 0) as {INSERTED}), {SOURCE} as (select ")
            + kept + raw(" from _pgrst_written)"))


def insert_cte(table: Table, alias: str, columns: list[str], payload: str, *, missing_default: bool,
               on_conflict: tuple[str, ...] | None, resolution: str | None, returning: Sql,
               returned: list[str] | None = None) -> Sql:
    """INSERT as `pgrst_source`; with `returned` (the columns `returning` gives) it also counts the
    rows inserted rather than updated, in `_pgrst_written`."""
    target = ident(table.schema, table.name) + raw(" as ") + ident(alias)
    values = join(", ", [_value(table, c, missing_default) for c in columns])
    column_list = raw(" (") + join(", ", [ident(c) for c in columns]) + raw(")") if columns else EMPTY
    conflict = EMPTY
    if resolution and on_conflict:
        conflict = raw(" on conflict (") + join(", ", [ident(c) for c in on_conflict]) + raw(")")
        updatable = [c for c in columns if c not in on_conflict] or list(columns)
        if resolution == "ignore-duplicates" or not updatable:
            conflict = conflict + raw(" do nothing")
        else:
            conflict = conflict + raw(" do update set ") + join(", ", [
                ident(c) + raw(" = excluded.") + ident(c) for c in updatable])
    insert = (raw("insert into ") + target + column_list + raw(" select ") + values + raw(" from ") + _rows(table)
              + conflict + returning)
    if returned is not None:
        return raw("with ") + _payload(payload) + raw(", ") + _counting_inserts(insert, returned)
    return raw("with ") + _payload(payload) + raw(", ") + raw(SOURCE) + raw(" as (") + insert + raw(")")


def _limited(node: ReadNode, table: Table, limit: int | None, offset: int | None) -> Sql | None:
    if limit is None and not offset:
        return None
    inner = dataclasses.replace(node, alias="_pgrst_l", embeds=[])
    conditions = [condition_sql(inner, c) for c in inner.conditions]
    where = raw(" where ") + join(" and ", conditions) if conditions else EMPTY
    return (ident(node.alias) + raw(".ctid = any(array(select _pgrst_l.ctid from ") + ident(table.schema, table.name)
            + raw(" as _pgrst_l") + where + order_sql(inner) + paging_sql(limit, offset) + raw("))"))


def _where(node: ReadNode, extra: Sql | None) -> Sql:
    conditions = [condition_sql(node, c) for c in node.conditions] + ([extra] if extra else [])
    return raw(" where ") + join(" and ", conditions) if conditions else EMPTY


def update_cte(table: Table, node: ReadNode, columns: list[str], payload: str, returning: Sql,
               limit: int | None = None, offset: int | None = None) -> Sql:
    target = ident(table.schema, table.name) + raw(" as ") + ident(node.alias)
    assignments = join(", ", [ident(c) + raw(" = ") + ident("_pgrst_rec", c) for c in columns])
    update = (raw("update ") + target + raw(" set ") + assignments + raw(" from json_populate_record(null::")
              + ident(table.schema, table.name) + raw(", (select p from _pgrst_payload)) as _pgrst_rec")
              + _where(node, _limited(node, table, limit, offset)) + returning)
    return raw("with ") + _payload(payload) + raw(", ") + raw(SOURCE) + raw(" as (") + update + raw(")")


def delete_cte(table: Table, node: ReadNode, returning: Sql, limit: int | None = None,
               offset: int | None = None) -> Sql:
    delete = (raw("delete from ") + ident(table.schema, table.name) + raw(" as ") + ident(node.alias)
              + _where(node, _limited(node, table, limit, offset)) + returning)
    return raw("with ") + raw(SOURCE) + raw(" as (") + delete + raw(")")


def nothing_cte(table: Table, alias: str) -> Sql:
    """PATCH with an empty body changes no row (and returns none), as in PostgREST."""
    return (raw("with " + SOURCE + " as (select ") + ident(alias) + raw(".* from ") + ident(table.schema, table.name)
            + raw(" as ") + ident(alias) + raw(" where false)"))


def write_statement(cte: Sql, returned: ReadNode | None, *, media: str, strip_nulls: bool, table: Table,
                    location: bool, counts_inserts: bool = False) -> Sql:
    body = raw("null::text")
    if returned is not None:
        source = raw(SOURCE + " as ") + ident(returned.alias)
        body = (raw("(select ") + body_sql(media, strip_nulls) + raw(" from (") + node_sql(returned, source)
                + raw(") as _pgrst_r)"))
    where = raw("null::text")
    if location and table.pk:
        where = (raw("(select row_to_json(_pgrst_k)::text from (select ") + join(", ", [ident(c) for c in table.pk])
                 + raw(" from " + SOURCE + " limit 1) as _pgrst_k)"))
    inserted = raw(f"(select count(*) from _pgrst_written where {INSERTED})" if counts_inserts else "null::bigint")
    return (cte + raw(" select null::bigint as total, (select count(*) from " + SOURCE + ") as page, ") + body
            + raw(" as body, ") + where + raw(" as location, ") + inserted + raw(" as inserted, ")
            + RESPONSE_GUCS)
