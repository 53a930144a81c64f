"""Building the SQL of a request as `oricol.sql` values: one statement that PostgreSQL answers with
the finished JSON (json_agg), the page size and, when asked, the total count.

Identifiers come from the schema cache or the request and always go through `ident`; values are
always parameters; type names come from the catalogs.
"""
from __future__ import annotations

import re

from oricol.sql import EMPTY, Sql, ident, join, param, raw

from . import operators
from .ast import Field, Filter, Logic, OrderTerm
from .plan import Embed, Output, ReadNode

ARRAY_INDEX = re.compile(r"-?[0-9]{1,9}")  # `->0` indexes an array, any other key is a text parameter


def column_expr(alias: str, field: Field, base_type: str = "jsonb") -> Sql:
    expr = ident(alias, field.name)
    if field.json_path and base_type not in ("json", "jsonb"):
        expr = raw("to_jsonb(") + expr + raw(")")  # arrows on arrays and composites, as PostgREST allows
    for step in field.json_path:
        key = raw(step.key) if ARRAY_INDEX.fullmatch(step.key) else param(step.key, "text")
        expr = expr + raw(step.arrow) + key
    return expr


def field_expr(node: ReadNode, field: Field) -> Sql:
    function = node.source.computed.get(field.name)
    if function is not None and field.name not in node.source.columns:
        expr = ident(function.schema, function.name) + raw("(") + ident(node.alias) + raw(")")
        for step in field.json_path:
            expr = raw("(") + expr + raw(")") + raw(step.arrow) + param(step.key, "text")
        return expr
    return column_expr(node.alias, field, node.source.columns.get(field.name, "jsonb"))


def condition_sql(node: ReadNode, condition) -> Sql:
    if isinstance(condition, Logic):
        return operators.conjunction(condition.op, [condition_sql(node, c) for c in condition.children],
                                     condition.negated)
    assert isinstance(condition, Filter)
    return operators.build(field_expr(node, condition.field), condition.op, condition.value,
                           node.column_type(condition.field), condition.modifier, condition.language,
                           condition.negated)


def _output_sql(node: ReadNode, output: Output) -> Sql | None:
    """One select item of a non-embed output (an embed's items come from `_embed_items`)."""
    if output.kind == "star":
        return ident(node.alias) + raw(".*")
    if output.kind == "count":
        if output.hoisted:
            return None  # counted by the parent: count(<this lateral>.*)
        expr = raw("count(*)")
    else:
        assert output.field is not None  # column and computed outputs carry their field
        expr = field_expr(node, output.field)
        if output.cast:
            expr = raw("(") + expr + raw(f")::{output.cast}")
        if output.aggregate and not output.hoisted:
            expr = raw(f"{output.aggregate}(") + expr + raw(")")
    if output.aggregate_cast and not output.hoisted:
        expr = raw("(") + expr + raw(f")::{output.aggregate_cast}")
    return expr + raw(" as ") + ident(output.alias)


def is_grouped(node: ReadNode) -> bool:
    """Aggregates in this node's select, or hoisted into it from a spread embed, group its rows."""
    return any(o.aggregate and not o.hoisted for o in node.outputs) or any(
        e.spread and any(o.hoisted for o in e.node.outputs) for e in node.embeds)


def _select_items(node: ReadNode) -> list[tuple[Sql, bool]]:
    """The select list, one (item, is aggregate) per column, so GROUP BY can name the others by position."""
    grouped = is_grouped(node)
    items: list[tuple[Sql, bool]] = []
    for output in node.outputs:
        if output.kind == "embed":
            assert output.embed is not None  # embed outputs carry their embed
            items += _embed_items(output.embed, grouped)
        else:
            sql = _output_sql(node, output)
            if sql is not None:
                items.append((sql, bool(output.aggregate)))
    return items


def _embed_items(embed: Embed, grouped: bool) -> list[tuple[Sql, bool]]:
    lateral = ident(embed.node.alias)
    if embed.spread:
        if not grouped:
            return [(lateral + raw(".*"), False)] if embed.node.outputs else []
        # Grouped: each spread column is its own item (grouped by, or aggregated here when hoisted).
        return [_spread_item(lateral, name, output) for name, output in spread_columns(embed.node)]
    if not embed.node.outputs:
        return []
    body = lateral + raw(".body")
    if not embed.relationship.to_one:
        body = raw("coalesce(") + body + raw(", '[]'::json)")
    if grouped:
        body = raw("(") + body + raw(")::jsonb")  # json has no equality operator to group by; jsonb has
    return [(body + raw(" as ") + ident(embed.key), False)]


def _spread_item(lateral: Sql, name: str, output: Output | None) -> tuple[Sql, bool]:
    if output is None or not output.hoisted:
        return lateral + raw(".") + ident(name), False
    if output.kind == "count":
        expr = raw("count(") + lateral + raw(".*)")
    else:
        expr = raw(f"{output.aggregate}(") + lateral + raw(".") + ident(name) + raw(")")
    if output.aggregate_cast:
        expr = raw("(") + expr + raw(f")::{output.aggregate_cast}")
    return expr + raw(" as ") + ident(output.alias), True


def spread_columns(node: ReadNode) -> list[tuple[str, Output | None]]:
    """The column names a spread node's select list produces, in order (a star gives the source's)."""
    columns: list[tuple[str, Output | None]] = []
    for output in node.outputs:
        if output.kind == "star":
            columns += [(name, None) for name in node.source.columns]
        elif output.kind == "embed":
            embed = output.embed
            assert embed is not None  # embed outputs carry their embed
            if embed.spread:
                columns += spread_columns(embed.node)
            elif embed.node.outputs:
                columns.append((embed.key, None))
        else:
            columns.append((output.alias, output))
    return columns


def join_condition(embed: Embed, parent_alias: str) -> Sql | None:
    """How embedded rows match the parent row; None for a computed relationship, whose function
    already receives the parent row."""
    rel, child = embed.relationship, embed.node.alias
    if rel.function is not None:
        return None
    if rel.junction is None:
        return join(" and ", [ident(child, target) + raw(" = ") + ident(parent_alias, source)
                              for source, target in rel.pairs])
    junction = child + "_j"
    links = [ident(junction, j) + raw(" = ") + ident(parent_alias, s) for j, s in rel.junction_source_pairs]
    links += [ident(junction, j) + raw(" = ") + ident(child, t) for j, t in rel.junction_target_pairs]
    return (raw("exists (select 1 from ") + ident(*rel.junction) + raw(" as ") + ident(junction)
            + raw(" where ") + join(" and ", links) + raw(")"))


def embed_from(embed: Embed, parent_alias: str) -> Sql:
    """The rows an embed reads: its table, or its function called with the parent row."""
    rel = embed.relationship
    if rel.function is None:
        return from_source(embed.node)
    # The cast picks the overload taking this table's rows when the parent is a CTE's or function's record.
    return (ident(*rel.function) + raw("(") + ident(parent_alias) + raw("::") + ident(*rel.source) + raw(") as ")
            + ident(embed.node.alias))


def _lateral(embed: Embed, parent_alias: str) -> Sql:
    child_sql = node_sql(embed.node, embed_from(embed, parent_alias), join_condition(embed, parent_alias))
    alias = ident(embed.node.alias)
    if embed.spread and not embed.relationship.to_one:
        return _spread_many(embed, child_sql)
    if embed.spread:
        kind = "inner join lateral" if embed.inner else "left join lateral"
        return raw(f" {kind} (") + child_sql + raw(") as ") + alias + raw(" on true")
    inner = ident(embed.node.alias + "_x")
    aggregate = "row_to_json" if embed.relationship.to_one else "json_agg"
    return (raw(f" left join lateral (select {aggregate}(") + inner + raw(") as body from (") + child_sql
            + raw(") as ") + inner + raw(") as ") + alias + raw(" on true"))


def _spread_many(embed: Embed, child_sql: Sql) -> Sql:
    """`...rel(a,b)` on a to-many relationship (PostgREST 13): each column becomes the array of its
    values over the related rows, `[]` when there are none (no parent row with `!inner`)."""
    inner = ident(embed.node.alias + "_x")
    columns = [name for name, _ in spread_columns(embed.node)]
    arrays = join(", ", [raw("coalesce(json_agg(") + inner + raw(".") + ident(name) + raw("), '[]'::json) as ")
                         + ident(name) for name in columns]) if columns else raw("1 as _pgrst_none")
    having = raw(" having count(*) > 0") if embed.inner else EMPTY
    kind = "inner join lateral" if embed.inner else "left join lateral"
    return (raw(f" {kind} (select ") + arrays + raw(" from (") + child_sql + raw(") as ") + inner + having
            + raw(") as ") + ident(embed.node.alias) + raw(" on true"))


def from_source(node: ReadNode) -> Sql:
    return ident(node.source.schema, node.source.name) + raw(" as ") + ident(node.alias)


def _embed_conditions(node: ReadNode) -> list[Sql]:
    conditions = []
    for embed in node.embeds:
        body = ident(embed.node.alias) + raw(".body")
        if embed.inner and not embed.spread:
            conditions.append(body + raw(" is not null"))
        if embed.null_filter is True:
            conditions.append(body + raw(" is null"))
        elif embed.null_filter is False:
            conditions.append(body + raw(" is not null"))
    return conditions


def where_sql(node: ReadNode, extra: Sql | None = None) -> Sql:
    conditions = ([extra] if extra else []) + [condition_sql(node, c) for c in node.conditions]
    conditions += _embed_conditions(node)
    return raw(" where ") + join(" and ", conditions) if conditions else EMPTY


def order_sql(node: ReadNode) -> Sql:
    if not node.order:
        return EMPTY
    return raw(" order by ") + join(", ", [_order_term(node, term) for term in node.order])


def _order_term(node: ReadNode, term: OrderTerm) -> Sql:
    if term.relation is None:
        expr = field_expr(node, term.field)
    else:
        embed = node.order_relations[term.relation]
        condition = join_condition(embed, node.alias)
        expr = (raw("(select ") + field_expr(embed.node, term.field) + raw(" from ") + embed_from(embed, node.alias)
                + (raw(" where ") + condition if condition is not None else EMPTY) + raw(" limit 1)"))
    if term.direction:
        expr = expr + raw(f" {term.direction}")
    if term.nulls:
        expr = expr + raw(f" nulls {term.nulls}")
    return expr


def paging_sql(limit: int | None, offset: int | None) -> Sql:
    sql = EMPTY
    if limit is not None:
        sql = sql + raw(" limit ") + param(limit, "bigint")
    if offset:
        sql = sql + raw(" offset ") + param(offset, "bigint")
    return sql


def node_sql(node: ReadNode, source: Sql, extra_condition: Sql | None = None, *, for_count: bool = False,
             limit: int | None = None, offset: int | None = None) -> Sql:
    """`select <outputs> from <source> <laterals> where ... [group by] order by ... limit ...`."""
    if node.limit is not None:
        limit = node.limit if limit is None else min(limit, node.limit)
    offset = node.offset if offset is None and node.offset is not None else offset
    laterals = join("", [_lateral(e, node.alias) for e in node.embeds])
    if for_count:
        return raw("select 1 from ") + source + laterals + where_sql(node, extra_condition)
    items = _select_items(node)
    select_list = join(", ", [sql for sql, _ in items]) if items else raw("")
    return (raw("select ") + select_list + raw(" from ") + source + laterals + where_sql(node, extra_condition)
            + _group_by(node, items) + order_sql(node) + paging_sql(limit, offset))


def _group_by(node: ReadNode, items: list[tuple[Sql, bool]]) -> Sql:
    if not is_grouped(node):
        return EMPTY
    positions = [raw(str(index)) for index, (_, aggregate) in enumerate(items, 1) if not aggregate]
    return raw(" group by ") + join(", ", positions) if positions else EMPTY


RESPONSE_GUCS = raw("current_setting('response.headers', true) as response_headers, "
                    "current_setting('response.status', true) as response_status")


def body_sql(media: str, strip_nulls: bool, rows: str = "_pgrst_r", raw_column: tuple[str, bool] | None = None) -> Sql:
    r = ident(rows)
    if raw_column is not None:
        name, binary = raw_column
        if binary:
            return raw("coalesce(string_agg(") + ident(rows, name) + raw(", ''::bytea), ''::bytea)")
        return raw("coalesce(string_agg((") + ident(rows, name) + raw(")::text, ''), '')")
    if media == "text/csv":
        return csv_body(rows)
    item = raw("json_strip_nulls(row_to_json(") + r + raw("))") if strip_nulls else r
    return raw("coalesce(json_agg(") + item + raw("), '[]')::text")


def csv_body(rows: str) -> Sql:
    r = ident(rows)
    cell = ("case when e.value is null then '' when e.value ~ '[,\"\\n\\r]' "
            "then '\"' || replace(e.value, '\"', '\"\"') || '\"' else e.value end")
    header = (raw("(select string_agg(case when k.key ~ '[,\"\\n\\r]' then '\"' || replace(k.key, '\"', '\"\"') "
                  "|| '\"' else k.key end, ',' order by k.ord) from json_each_text((array_agg(row_to_json(")
              + r + raw(")))[1]) with ordinality as k(key, value, ord))"))
    line = (raw(f"(select string_agg({cell}, ',' order by e.ord) from json_each_text(row_to_json(") + r
            + raw(")) with ordinality as e(key, value, ord))"))
    return (raw("coalesce(") + header + raw(" || E'\\n' || string_agg(") + line + raw(", E'\\n'), '')"))


def read_statement(node: ReadNode, source: Sql, *, count: bool, media: str, strip_nulls: bool,
                   limit: int | None, offset: int | None, raw_column: tuple[str, bool] | None = None) -> Sql:
    inner = node_sql(node, source, limit=limit, offset=offset)
    total = (raw("(select count(*) from (") + node_sql(node, source, for_count=True) + raw(") as _pgrst_c)")
             if count else raw("null::bigint"))
    return (raw("select ") + total + raw(" as total, count(*) as page, ") + body_sql(media, strip_nulls, raw_column=raw_column)
            + raw(" as body, ") + RESPONSE_GUCS + raw(" from (") + inner + raw(") as _pgrst_r"))
