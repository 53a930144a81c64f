"""/pg/functions writes: create, replace the body of, rename, move and drop functions as postgres-meta does.

The body is a literal. Arguments, the return type and config values are SQL by the API's design (postgres-meta
splices `args: ["a int", "b text default 'x'"]`, `return_type: "setof text"`, `config_params: {"search_path":
"public, extensions"}`); each statement goes through the extended protocol, which refuses a second command
(see ddl.py). The language and setting names are quoted as identifiers.
"""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from oricol.sql import Sql, ident, join, raw

from . import ddl, http, sqlfiles
from .body import Body
from .groups import FUNCTIONS, by_id_query
from .listing import equals, single
from .writes import answer, in_transaction, read_one

BEHAVIORS = ("IMMUTABLE", "STABLE", "VOLATILE")


def missing(function_id: int) -> str:
    return f"Cannot find a function with ID {function_id}"


def _setting_name(name: str) -> Sql:
    # Custom settings are dotted (`app.tenant`): each part is an identifier.
    return join(".", [ddl.name(part) for part in name.split(".")])


def _settings(config: dict[str, str]) -> list[Sql]:
    return [raw(" set ") + _setting_name(name)
            + (raw(" from current") if value.upper() == "FROM CURRENT" else raw(" to ") + raw(value))
            for name, value in config.items()]


def create_statement(f: dict, *, replace: bool = False) -> Sql:
    statement = (raw("create or replace function " if replace else "create function ") + ident(f["schema"], f["name"])
                 + raw("(") + raw(f["args"]) + raw(") returns ") + raw(f["return_type"])
                 + raw(" as ") + ddl.text_literal(f["definition"]) + raw(" language ") + ddl.name(f["language"])
                 + raw(f" {f['behavior'].lower()} called on null input security ")
                 + raw("definer" if f["security_definer"] else "invoker"))
    for setting in _settings(f["config_params"] or {}):
        statement = statement + setting
    return statement


def written_by_this_transaction(schema: str, name: str) -> Sql:
    """The function this transaction created: its catalogue row carries the transaction's id."""
    mine = raw("x.id in (select p.oid::int8 from pg_proc p where p.xmin = xid(pg_current_xact_id()))")
    return single(sqlfiles.query("functions"), where=[equals("schema", schema, "text"), equals("name", name, "text"),
                                                       mine])


@http.endpoint()
async def create_function(request: Request) -> Response:
    body = Body(await http.json_body(request))
    function = {
        "name": body.required_str("name"), "definition": body.required_str("definition"),
        "schema": body.str("schema", "public"), "args": ", ".join(body.str_list("args", [])),
        "return_type": body.str("return_type", "void"), "language": body.str("language", "sql"),
        "behavior": body.choice("behavior", BEHAVIORS, "VOLATILE"),
        "security_definer": body.bool("security_definer", False), "config_params": body.str_map("config_params", {}),
    }

    async def step(conn) -> Response:
        await ddl.run(conn, [create_statement(function)])
        return await answer(conn, written_by_this_transaction(function["schema"], function["name"]),
                            f'Cannot find function "{function["schema"]}"."{function["name"]}"({function["args"]})')

    return await in_transaction(request, step)


@http.endpoint()
async def update_function(request: Request) -> Response:
    function_id = http.numeric_id(request)
    body = Body(await http.json_body(request))
    name, schema, definition = body.str("name"), body.str("schema"), body.str("definition", empty_ok=True)

    async def step(conn) -> Response:
        old = await read_one(conn, by_id_query(FUNCTIONS, function_id), missing(function_id))
        signature = raw("(") + raw(old["identity_argument_types"]) + raw(")")
        if definition is not None:
            # Same arguments, so this replaces the function in place (the id stays).
            await ddl.run(conn, [create_statement({**old, "args": old["argument_types"], "definition": definition},
                                                  replace=True)])
        statements = []
        if name and name != old["name"]:
            statements.append(raw("alter function ") + ident(old["schema"], old["name"]) + signature
                              + raw(" rename to ") + ddl.name(name))
        if schema and schema != old["schema"]:
            statements.append(raw("alter function ") + ident(old["schema"], name or old["name"]) + signature
                              + raw(" set schema ") + ddl.name(schema))
        await ddl.run(conn, statements)
        return await answer(conn, by_id_query(FUNCTIONS, function_id), missing(function_id))

    return await in_transaction(request, step)


@http.endpoint()
async def delete_function(request: Request) -> Response:
    function_id = http.numeric_id(request)
    cascade = http.flag(request, "cascade")

    async def step(conn) -> Response:
        old = await read_one(conn, by_id_query(FUNCTIONS, function_id), missing(function_id))
        await ddl.run(conn, [raw("drop function ") + ident(old["schema"], old["name"]) + raw("(")
                             + raw(old["identity_argument_types"]) + raw(")")
                             + raw(" cascade" if cascade else " restrict")])
        return http.json_response(old)

    return await in_transaction(request, step)
