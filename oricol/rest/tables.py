"""Reads and writes of tables and views: GET/HEAD, POST, PATCH, PUT, DELETE on /rest/v1/<relation>."""
from __future__ import annotations

import dataclasses
from urllib.parse import quote

import orjson

from oricol.sql import raw, render

from . import errors, execute, mutation, payload, plan, query, query_params, shapes
from .ast import Filter
from .context import Context
from .request import OBJECT, OCTET, PLAN, TEXT
from .response import Response, apply_sql_settings, content_range, content_type, read_status, single_object

COUNTS = ("exact", "planned", "estimated")


def paging(ctx: Context, node: plan.ReadNode) -> tuple[int, int | None]:
    """Offset and limit of the root from `limit`/`offset`, the Range header and the max-rows cap."""
    offset, limit = node.offset or 0, node.limit
    if ctx.request.range is not None:
        start, end = ctx.request.range
        if node.offset is None:
            offset = start
        if end is not None:
            size = end - start + 1
            limit = size if limit is None else min(limit, size)
    if ctx.config.max_rows is not None:
        limit = ctx.config.max_rows if limit is None else min(limit, ctx.config.max_rows)
    node.offset, node.limit = None, None
    return offset, limit


async def read(ctx: Context) -> Response:
    req = ctx.request
    ctx.check_strict()
    rendered = _cached_read(ctx)
    if rendered is not None:
        row = await execute.run_rendered(ctx.pool(True), ctx.transaction(readonly=True), rendered.text,
                                         list(rendered.args), _single_check(req.accept))
        return _rows_response(ctx, row, rendered.offset, rendered.limit, req.prefer.get("count"), row["total"])
    source = plan.table_source(ctx.cache, req.schema, req.name)
    params = query_params.parse(req.query)
    node = plan.plan_read(ctx.cache, source, params, aggregates=ctx.config.aggregates_enabled)
    return await respond_rows(ctx, node, query.from_source(node))


def _cached_read(ctx: Context) -> shapes.Rendered | None:
    """The read's statement from the shape cache, for the plain reads (JSON, object or CSV, no planned
    count); None sends the request down the ordinary path."""
    req = ctx.request
    count_kind = req.prefer.get("count")
    if ctx.shapes is None or req.accept in (PLAN, OCTET, TEXT) or count_kind in ("planned", "estimated"):
        return None
    head = (req.method, req.schema, req.name, req.accept, tuple(sorted(req.accept_params.items())),
            tuple(sorted(req.prefer.values.items())), req.range)

    def build(marked: list[tuple[str, str]]) -> shapes.Rendered:
        source = plan.table_source(ctx.cache, req.schema, req.name)
        node = plan.plan_read(ctx.cache, source, query_params.parse(marked),
                              aggregates=ctx.config.aggregates_enabled)
        offset, limit = paging(ctx, node)
        statement = query.read_statement(node, query.from_source(node), count=count_kind == "exact",
                                         media=req.accept, strip_nulls=req.accept_params.get("nulls") == "stripped",
                                         limit=limit, offset=offset)
        text, args = render(statement)
        return shapes.Rendered(text, tuple(args), (), offset, limit)
    return ctx.shapes.rendered(ctx.cache, head, req.query, build)


async def respond_rows(ctx: Context, node: plan.ReadNode, source, *, readonly: bool = True,
                       check=None) -> Response:
    """Runs a read-shaped statement over `source` and answers with the page, range and count;
    `check(row)` may refuse the result before the transaction commits (RPC's max-affected)."""
    req = ctx.request
    offset, limit = paging(ctx, node)
    count_kind = req.prefer.get("count")
    count = count_kind == "exact"
    raw_column = _raw_column(node) if req.accept in (OCTET, TEXT) else None
    statement = query.read_statement(node, source, count=count, media=req.accept,
                                     strip_nulls=req.accept_params.get("nulls") == "stripped",
                                     limit=limit, offset=offset, raw_column=raw_column)
    if req.accept == PLAN:
        return await explain(ctx, statement, readonly)
    planned = count_kind in ("planned", "estimated")
    then = (raw("explain (format json) ") + query.node_sql(node, source, for_count=True)) if planned else None
    row = await execute.run(ctx.pool(readonly), ctx.transaction(readonly=readonly), statement,
                            _checks(_single_check(req.accept), check), then)
    if planned:
        row, plan_json = row
        total = _estimate(count_kind, plan_json, offset, row["page"], limit)
    else:
        total = row["total"]
    return _rows_response(ctx, row, offset, limit, count_kind, total)


def _rows_response(ctx: Context, row, offset: int, limit: int | None, count_kind: str | None,
                   total: int | None) -> Response:
    req = ctx.request
    page = row["page"]
    response = Response(read_status(offset, page, total), content_type=content_type(req.accept))
    body = row["body"]
    if req.accept == OBJECT:
        body = single_object(body, page)
    response.body = b"" if req.method == "HEAD" else (body.encode() if isinstance(body, str) else bytes(body))
    response.header("Content-Range", content_range(offset, page, total))
    applied = ctx.applied_preferences("count", "tx") if count_kind in COUNTS or req.prefer.get("tx") else None
    if applied:
        response.header("Preference-Applied", applied)
    return apply_sql_settings(response, row)


def _estimate(kind: str | None, plan_json, offset: int, page: int, limit: int | None) -> int:
    """planned: the planner's row estimate; estimated: exact when the page holds the rest of the
    rows (a short page), otherwise the planner's estimate, never below what was seen."""
    plan_value = orjson.loads(plan_json) if isinstance(plan_json, (str, bytes)) else plan_json
    planned_rows = int(plan_value[0]["Plan"]["Plan Rows"])
    if kind == "estimated" and (limit is None or page < limit):
        return offset + page
    return max(planned_rows, offset + page) if kind == "estimated" else planned_rows


def _raw_column(node: plan.ReadNode) -> tuple[str, bool]:
    """application/octet-stream and text/plain answer one column's values, unwrapped."""
    columns = [o for o in node.outputs if o.kind in ("column", "computed")]
    if len(columns) != 1 or len(node.outputs) != 1:
        raise errors.error(406, errors.MEDIA_TYPE, "None of these media types are available: " + OCTET,
                           "application/octet-stream and text/plain need a select of exactly one column")
    output = columns[0]
    assert output.field is not None  # column and computed outputs carry their field
    binary = not output.cast and not output.aggregate and node.column_type(output.field) == "bytea"
    return output.alias, binary


def _checks(*checks):
    wanted = [c for c in checks if c is not None]
    if not wanted:
        return None

    def check(row) -> None:
        for one in wanted:
            one(row)
    return check


def _single_check(accept: str):
    if accept != OBJECT:
        return None

    def check(row) -> None:
        if row["page"] != 1:
            raise errors.singular(row["page"])
    return check


PLAN_OPTIONS = ("analyze", "verbose", "settings", "buffers", "wal")


async def explain(ctx: Context, statement, readonly: bool) -> Response:
    """application/vnd.pgrst.plan[+json|+text]; options=analyze|verbose|... as PostgREST reads them."""
    if not ctx.config.plan_enabled:
        raise errors.error(406, errors.MEDIA_TYPE,
                           "None of these media types are available: application/vnd.pgrst.plan")
    accept = ctx.request.headers.get("accept", "")
    wants_text = accept.split(";")[0].strip().endswith("+text")
    chosen = [o for o in ctx.request.accept_params.get("options", "").split("|") if o in PLAN_OPTIONS]
    options = ", ".join([f"format {'text' if wants_text else 'json'}"] + chosen)
    rows = await execute.explain(ctx.pool(readonly), ctx.transaction(readonly=readonly), statement, options)
    if wants_text:
        body = "\n".join(r[0] for r in rows).encode()
        return Response(200, body, content_type="application/vnd.pgrst.plan+text; charset=utf-8")
    value = rows[0][0]
    body = value.encode() if isinstance(value, str) else orjson.dumps(value)
    return Response(200, body, content_type="application/vnd.pgrst.plan+json; charset=utf-8")


# ---------------------------------------------------------------- writes

def _return_kind(ctx: Context) -> str:
    kind = ctx.request.prefer.get("return", "minimal")
    return kind if kind in ("minimal", "headers-only", "representation") else "minimal"


def _returned_node(ctx: Context, node: plan.ReadNode, kind: str) -> plan.ReadNode | None:
    if kind != "representation":
        return None
    return dataclasses.replace(node, conditions=[], order=(), limit=None, offset=None)


async def write(ctx: Context) -> Response:
    req = ctx.request
    ctx.check_strict()
    table = ctx.cache.table(req.schema, req.name)
    if table is None:
        raise plan.not_found(ctx.cache, req.schema, req.name)
    source = plan.table_source(ctx.cache, req.schema, req.name)
    params = query_params.parse(req.query)
    node = plan.plan_read(ctx.cache, source, params, aggregates=ctx.config.aggregates_enabled)
    kind = _return_kind(ctx)
    returning = mutation.returning_sql(kind, table, node.alias)
    limit, offset = node.limit, node.offset
    if req.method == "POST":
        cte = _insert(ctx, table, node, params, returning)
    elif req.method == "PUT":
        cte = _put(ctx, table, node, params, returning)
    elif req.method == "PATCH":
        body = payload.parse(req)
        columns = payload.columns_of(body, table, params.columns)
        cte = mutation.update_cte(table, node, columns, body.text, returning, limit, offset) if columns else \
            mutation.nothing_cte(table, node.alias)
    else:
        cte = mutation.delete_cte(table, node, returning, limit, offset)
    upsert = (req.method == "PUT" or (req.method == "POST" and bool(req.prefer.get("resolution")))) and \
        _tells_inserts(table)
    statement = mutation.write_statement(cte, _returned_node(ctx, node, kind), media=req.accept,
                                         strip_nulls=req.accept_params.get("nulls") == "stripped", table=table,
                                         location=req.method == "POST" and kind == "headers-only",
                                         counts_inserts=upsert)
    row = await execute.run(ctx.pool(False), ctx.transaction(readonly=False), statement, _write_check(ctx, kind))
    return _write_response(ctx, row, kind, table)


def _insert(ctx: Context, table, node, params, returning):
    req = ctx.request
    body = payload.parse(req)
    columns = payload.columns_of(body, table, params.columns)
    resolution = req.prefer.get("resolution")
    on_conflict = params.on_conflict or (table.pk if resolution else None)
    if resolution and not on_conflict:
        raise errors.error(400, errors.PARSE_ERROR, "An on_conflict column list is needed for an upsert on a table "
                                            "without a primary key")
    return mutation.insert_cte(table, node.alias, columns, body.text,
                               missing_default=req.prefer.get("missing") == "default",
                               on_conflict=on_conflict, resolution=resolution, returning=returning,
                               returned=mutation.returned_columns(_return_kind(ctx), table)
                               if resolution and _tells_inserts(table) else None)


def _tells_inserts(table) -> bool:
    """Only a table's rows have the xmax that tells an inserted row from an updated one; an upsert
    through a view answers 201 as any insert."""
    return table.kind in ("r", "p")


def _put(ctx: Context, table, node, params, returning):
    body = payload.parse(ctx.request)
    if node.limit is not None or node.offset is not None:
        raise errors.error(400, errors.PUT_LIMIT, "limit/offset querystring parameters are not allowed for PUT")
    filters = {c.field.name: c.value for c in node.conditions
               if isinstance(c, Filter) and c.op == "eq" and not c.negated and not c.field.json_path}
    if not table.pk or set(filters) != set(table.pk) or len(node.conditions) != len(table.pk):
        raise errors.error(405, errors.PUT_FILTERS,
                           "Filters must include all and only primary key columns with 'eq' operators")
    if body.is_array and len(body.rows) != 1:
        raise errors.error(400, errors.SINGULAR, "JSON object requested, multiple (or no) rows returned",
                           f"The result contains {len(body.rows)} rows")
    row = body.rows[0]
    if any(str(row.get(c)) != str(filters[c]) for c in table.pk):
        raise errors.error(400, errors.PUT_PRIMARY_KEY, "Payload values do not match URL in primary key column(s)")
    columns = payload.columns_of(body, table, params.columns)
    return mutation.insert_cte(table, node.alias, columns, body.text, missing_default=False,
                               on_conflict=table.pk, resolution="merge-duplicates", returning=returning,
                               returned=mutation.returned_columns(_return_kind(ctx), table)
                               if _tells_inserts(table) else None)


def _write_check(ctx: Context, kind: str):
    prefer = ctx.request.prefer
    max_affected = prefer.get("max-affected")
    strict = prefer.get("handling") == "strict"
    single = ctx.request.accept == OBJECT and kind == "representation"
    if not single and not (max_affected is not None and strict):
        return None  # nothing to check: the write commits in its one round trip

    def check(row) -> None:
        if max_affected is not None and strict and max_affected.isdigit() and row["page"] > int(max_affected):
            raise errors.error(400, errors.MAX_AFFECTED, "Query result exceeds max-affected preference constraint",
                               f"The query affects {row['page']} rows")
        if single and row["page"] != 1:
            raise errors.singular(row["page"])
    return check


def _write_response(ctx: Context, row, kind: str, table) -> "Response":
    req = ctx.request
    page = row["page"]
    status = 201 if req.method == "POST" else (200 if kind == "representation" else 204)
    if row["inserted"] is not None:  # an upsert (POST with a resolution, or PUT), as PostgREST 12 answers it
        status = 201 if row["inserted"] > 0 else (200 if req.method == "POST" or kind == "representation" else 204)
    response = Response(status, content_type=content_type(req.accept) if kind == "representation" else None)
    if kind == "representation":
        body = row["body"]
        if req.accept == OBJECT:
            body = single_object(body, page)
        response.body = body.encode() if isinstance(body, str) else body
    total = page if req.prefer.get("count") in COUNTS else None
    response.header("Content-Range", content_range(0, page, total) if req.method != "POST" else f"*/{total or '*'}")
    if row["location"]:
        keys = orjson.loads(row["location"])
        query_text = "&".join(f"{quote(k)}=eq.{quote(str(v))}" for k, v in keys.items())
        response.header("Location", f"/{quote(table.name)}?{query_text}")
    applied = ctx.applied_preferences("return", "resolution", "missing", "count", "tx", "max-affected", "handling")
    if applied:
        response.header("Preference-Applied", applied)
    return apply_sql_settings(response, row)
