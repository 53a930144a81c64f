"""Functions as RPC: POST /rpc/fn with a JSON object of named arguments, GET /rpc/fn?arg=... for
stable and immutable functions. Table-valued results take the read grammar (select, filters, order,
paging, embedding); scalar, set-of-scalar and void results are answered as PostgREST does.
"""
from __future__ import annotations

import difflib
from typing import Any

import orjson

from oricol.sql import Sql, ident, join, param, raw

from . import errors, execute, payload, plan, query_params
from .context import Context
from .query import RESPONSE_GUCS
from .response import Response, apply_sql_settings, content_type
from .schema_cache import Function
from .tables import respond_rows

JSON_TYPES = ("json", "jsonb")


def _not_found(ctx: Context, names: list[str]) -> Exception:
    req = ctx.request
    known = sorted(n for (s, n) in ctx.cache.functions if s == req.schema)
    close = difflib.get_close_matches(req.name, known, n=1)
    arg_text = ", ".join(sorted(names))
    hint = (f"Perhaps you meant to call the function {req.schema}.{close[0]}" if close else
            "If a new function was created in the database with this name and parameters, try reloading the "
            "schema cache.")
    return errors.error(404, errors.NO_FUNCTION,
                        f"Could not find the function {req.schema}.{req.name}({arg_text}) in the schema cache",
                        f"Searched for the function {req.schema}.{req.name} with parameters {arg_text} or with a "
                        "single unnamed json/jsonb parameter, but no matches were found in the schema cache.", hint)


def _single_json(function: Function, single_object: bool) -> bool:
    inputs = function.inputs
    return len(inputs) == 1 and inputs[0].type in JSON_TYPES and (inputs[0].name == "" or single_object)


def choose(ctx: Context, functions: list[Function], given: list[str], single_object: bool) -> Function:
    matches = []
    for function in functions:
        if _single_json(function, single_object):
            matches.append(function)
            continue
        names = {a.name for a in function.inputs}
        required = {a.name for a in function.inputs if not a.has_default}
        if set(given) <= names and required <= set(given):
            matches.append(function)
    if len(matches) > 1:
        exact = [f for f in matches if {a.name for a in f.inputs} == set(given)]
        matches = exact if len(exact) == 1 else matches
    if not matches:
        raise _not_found(ctx, given)
    if len(matches) > 1:
        candidates = ", ".join(f"{f.schema}.{f.name}({', '.join(a.name + ' => ' + a.type for a in f.inputs)})"
                               for f in matches)
        raise errors.error(300, errors.AMBIGUOUS_FUNCTION,
                           "Could not choose the best candidate function between: " + candidates, None,
                           "Try renaming the parameters or the function itself in the database so function "
                           "overloading can be resolved")
    return matches[0]


def call_sql(function: Function, args: dict, single_json: bool) -> tuple[Sql | None, Sql]:
    """(the FROM items that bind the arguments, the call expression)."""
    name = ident(function.schema, function.name)
    if single_json:
        arg_type = function.inputs[0].type
        return None, name + raw("(") + param(orjson.dumps(args).decode(), "text") + raw(f"::{arg_type})")
    inputs = [a for a in function.inputs if a.name in args]
    if not inputs:
        return None, name + raw("()")
    columns = join(", ", [ident(a.name) + raw(f" {_bound_type(a.type)}") for a in inputs])
    binder = (raw("json_to_record(") + param(orjson.dumps(args).decode(), "text") + raw("::json) as _pgrst_args(")
              + columns + raw(")"))
    call_args = join(", ", [raw("variadic " if a.mode == "v" else "") + ident(a.name) + raw(" := ")
                            + ident("_pgrst_args", a.name) for a in inputs])
    return binder, name + raw("(") + call_args + raw(")")


# A column of json_to_record cannot have a pseudo-type: a polymorphic parameter is bound as text
# (its array kinds as text[]) and PostgreSQL resolves the call with that.
POLYMORPHIC = {"anyelement": "text", "anynonarray": "text", "anycompatible": "text",
               "anycompatiblenonarray": "text", "anyarray": "text[]", "anycompatiblearray": "text[]"}


def _bound_type(pg_type: str) -> str:
    return POLYMORPHIC.get(pg_type, pg_type)


# The arguments: an object of them, or (with a single-json function) any JSON value the body holds.
def _arguments(ctx: Context, functions: list[Function]) -> tuple[Any, list, bool]:
    req = ctx.request
    single_object = req.prefer.get("params") == "single-object"
    if req.method in ("GET", "HEAD"):
        arg_names = {a.name for f in functions for a in f.inputs if a.name}
        params = query_params.parse(req.query, rpc_args=arg_names)
        variadic = {a.name for f in functions for a in f.inputs if a.mode == "v" or a.type.endswith("[]")}
        args = {k: (v if k in variadic and len(v) > 1 else v[-1]) for k, v in params.rpc_args.items()}
        args = {k: ([v] if k in variadic and isinstance(v, str) and not v.startswith("{") else v)
                for k, v in args.items()}
        return args, [params], single_object
    body = payload.parse(req, allow_empty=True)
    value = body.value
    params = query_params.parse(req.query)
    if not isinstance(value, dict):
        return value, [params], True
    return value, [params], single_object


async def call(ctx: Context) -> Response:
    req = ctx.request
    ctx.check_strict()
    functions = ctx.cache.functions.get((req.schema, req.name))
    args, (params,), single_object = _arguments(ctx, functions or [])
    given = list(args) if isinstance(args, dict) else []
    if not functions:
        raise _not_found(ctx, given)
    function = choose(ctx, functions, given, single_object or not isinstance(args, dict))
    single_json = _single_json(function, single_object or not isinstance(args, dict))
    readonly = req.method in ("GET", "HEAD") or function.volatility in ("s", "i")
    binder, call_expr = call_sql(function, args if isinstance(args, dict) or single_json else {}, single_json)
    if function.returns_rows:
        return await _rows(ctx, function, params, binder, call_expr, readonly)
    return await _scalar(ctx, function, binder, call_expr, readonly)


async def _rows(ctx: Context, function: Function, params, binder: Sql | None, call_expr: Sql, readonly: bool) -> Response:
    if function.return_relation is not None and ctx.cache.table(*function.return_relation) is not None:
        source = plan.table_source(ctx.cache, *function.return_relation)
    else:
        source = plan.Source(function.schema, function.name, dict(function.outputs))
    node = plan.plan_read(ctx.cache, source, params, alias=function.name,
                          aggregates=ctx.config.aggregates_enabled)
    from_items = (binder + raw(" cross join lateral ") if binder is not None else raw("")) + call_expr + raw(" as ") + ident(
        function.name)
    check = _max_affected(ctx) if not readonly else None
    response = await respond_rows(ctx, node, from_items, readonly=readonly, check=check)
    if not function.returns_set and ctx.request.accept == "application/json" and response.body:
        # One composite value: an object, or `null` when a filter left no row, as PostgREST answers.
        rows = orjson.loads(response.body)
        response.body = orjson.dumps(rows[0] if rows else None)
    return response


def _max_affected(ctx: Context):
    """`Prefer: handling=strict, max-affected=n` on a function that writes, as on a table write."""
    prefer = ctx.request.prefer
    limit = prefer.get("max-affected")
    if prefer.get("handling") != "strict" or limit is None or not limit.isdigit():
        return None

    def check(row) -> None:
        if row["page"] > int(limit):
            raise errors.error(400, errors.MAX_AFFECTED, "Query result exceeds max-affected preference constraint",
                               f"The query affects {row['page']} rows")
    return check


async def _scalar(ctx: Context, function: Function, binder: Sql | None, call_expr: Sql, readonly: bool) -> Response:
    if function.returns_set:
        body = (raw("select coalesce(json_agg(_pgrst_v), '[]')::text as body, count(*) as page, ")
                + _gucs() + raw(" from ") + (binder + raw(" cross join lateral ") if binder is not None else raw(""))
                + call_expr + raw(" as _pgrst_v"))
    elif function.is_void:
        body = raw("select ") + call_expr + raw("::text is null as body, 1 as page, ") + _gucs() + (
            raw(" from ") + binder if binder is not None else raw(""))
    else:
        body = raw("select to_json(") + call_expr + raw(")::text as body, 1 as page, ") + _gucs() + (
            raw(" from ") + binder if binder is not None else raw(""))
    row = await execute.run(ctx.pool(readonly), ctx.transaction(readonly=readonly), body)
    if function.is_void:
        return apply_sql_settings(Response(204, content_type=None), row)
    value = row["body"] if row["body"] is not None else "null"
    response = Response(200, b"" if ctx.request.method == "HEAD" else value.encode(),
                        content_type=content_type("application/json"))
    return apply_sql_settings(response, row)


def _gucs() -> Sql:
    return RESPONSE_GUCS
