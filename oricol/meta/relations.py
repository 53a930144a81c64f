"""Relations that carry their columns: tables, views, materialized views and foreign tables.

postgres-meta answers each with a `columns` array (the same objects /columns lists) unless
`include_columns=false`; the array is built in PostgreSQL and joined on the relation's id.
"""
from __future__ import annotations

from oricol.sql import Sql, raw

from . import sqlfiles
from .listing import filtered


def columns_of(relations: Sql, column_where: list[Sql | None]) -> Sql:
    """`relations` (a query with an `id` column) with a `columns` array added as its last key."""
    columns = filtered(sqlfiles.query("columns"), column_where)
    return (raw("select r.*, coalesce(cols.columns, '[]') as columns from (") + relations
            + raw(") r left join (select x.table_id, json_agg(x order by x.ordinal_position) as columns from (")
            + columns + raw(") x group by x.table_id) cols on cols.table_id = r.id"))
