"""/pg/schemas: list, get, create, rename/re-own and drop schemas."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from oricol.sql import Sql, raw

from . import ddl, http, sqlfiles
from .body import Body
from .listing import Page, SchemaFilter, equals, listing, single
from .writes import answer, in_transaction, read_one


def _source() -> Sql:
    return sqlfiles.query("schemas")


def by_id(schema_id: int) -> Sql:
    return single(_source(), where=[equals("id", schema_id, "int8")])


def missing(schema_id: int) -> str:
    return f"Cannot find a schema with ID {schema_id}"


@http.endpoint(listing=True)
async def list_schemas(request: Request) -> Response:
    names = SchemaFilter.from_request(request)
    where = [names.condition("name")]
    if not http.flag(request, "include_system_schemas"):
        where.append(raw("not starts_with(x.name, 'pg_')"))
    query = listing(_source(), where=where, order='"name"', page=Page.from_request(request))
    return http.raw_json(await request.app.state.db.read_json(query))


@http.endpoint()
async def get_schema(request: Request) -> Response:
    schema_id = http.numeric_id(request)

    async def step(conn) -> Response:
        return await answer(conn, by_id(schema_id), missing(schema_id))

    return await in_transaction(request, step)


@http.endpoint()
async def create_schema(request: Request) -> Response:
    body = Body(await http.json_body(request))
    name = body.required_str("name")
    owner = body.str("owner", "postgres")

    async def step(conn) -> Response:
        await ddl.run(conn, [raw("create schema ") + ddl.name(name) + raw(" authorization ") + ddl.name(owner)])
        return await answer(conn, single(_source(), where=[equals("name", name, "text")]),
                            f"Cannot find a schema named {name}")

    return await in_transaction(request, step)


@http.endpoint()
async def update_schema(request: Request) -> Response:
    schema_id = http.numeric_id(request)
    body = Body(await http.json_body(request))
    name, owner = body.str("name"), body.str("owner")

    async def step(conn) -> Response:
        old = await read_one(conn, by_id(schema_id), missing(schema_id))
        alter = raw("alter schema ") + ddl.name(old["name"])
        statements = []
        if owner is not None:
            statements.append(alter + raw(" owner to ") + ddl.name(owner))
        if name is not None and name != old["name"]:
            statements.append(alter + raw(" rename to ") + ddl.name(name))
        await ddl.run(conn, statements)
        return await answer(conn, by_id(schema_id), missing(schema_id))

    return await in_transaction(request, step)


@http.endpoint()
async def delete_schema(request: Request) -> Response:
    schema_id = http.numeric_id(request)
    cascade = http.flag(request, "cascade")

    async def step(conn) -> Response:
        old = await read_one(conn, by_id(schema_id), missing(schema_id))
        await ddl.run(conn, [raw("drop schema ") + ddl.name(old["name"]) + raw(" cascade" if cascade else " restrict")])
        return http.json_response(old)

    return await in_transaction(request, step)
