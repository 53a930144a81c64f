"""/pg/extensions: the extensions the server offers, installing, updating, moving and dropping them."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from oricol.sql import Sql, raw

from . import ddl, http, sqlfiles
from .body import Body
from .listing import Page, equals, listing, single
from .writes import answer, in_transaction, read_one


def by_name(name: str) -> Sql:
    return single(sqlfiles.query("extensions"), where=[equals("name", name, "text")])


def missing(name: str) -> str:
    return f"Cannot find an extension named {name}"


@http.endpoint(listing=True)
async def list_extensions(request: Request) -> Response:
    query = listing(sqlfiles.query("extensions"), where=[], order='"name"', page=Page.from_request(request))
    return http.raw_json(await request.app.state.db.read_json(query))


@http.endpoint()
async def get_extension(request: Request) -> Response:
    name = request.path_params["name"]

    async def step(conn) -> Response:
        return await answer(conn, by_name(name), missing(name))

    return await in_transaction(request, step)


@http.endpoint()
async def create_extension(request: Request) -> Response:
    body = Body(await http.json_body(request))
    name = body.required_str("name")
    schema, version = body.str("schema"), body.str("version")
    statement = raw("create extension ") + ddl.name(name)
    if schema is not None:
        statement = statement + raw(" schema ") + ddl.name(schema)
    if version is not None:
        statement = statement + raw(" version ") + ddl.text_literal(version)
    if body.bool("cascade", False):
        statement = statement + raw(" cascade")

    async def step(conn) -> Response:
        await ddl.run(conn, [statement])
        return await answer(conn, by_name(name), missing(name))

    return await in_transaction(request, step)


@http.endpoint()
async def update_extension(request: Request) -> Response:
    name = request.path_params["name"]
    body = Body(await http.json_body(request))
    update, version, schema = body.bool("update", False), body.str("version"), body.str("schema")
    statements = []
    if update:
        statement = raw("alter extension ") + ddl.name(name) + raw(" update")
        if version is not None:
            statement = statement + raw(" to ") + ddl.text_literal(version)
        statements.append(statement)
    if schema is not None:
        statements.append(raw("alter extension ") + ddl.name(name) + raw(" set schema ") + ddl.name(schema))

    async def step(conn) -> Response:
        await ddl.run(conn, statements)
        return await answer(conn, by_name(name), missing(name))

    return await in_transaction(request, step)


@http.endpoint()
async def delete_extension(request: Request) -> Response:
    name = request.path_params["name"]
    cascade = http.flag(request, "cascade")

    async def step(conn) -> Response:
        old = await read_one(conn, by_name(name), missing(name))
        await ddl.run(conn, [raw("drop extension ") + ddl.name(name) + raw(" cascade" if cascade else " restrict")])
        return http.json_response(old)

    return await in_transaction(request, step)
