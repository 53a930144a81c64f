"""/pg/publications writes: create, change and drop publications as postgres-meta does.

`tables` absent or null means FOR ALL TABLES, `[]` no table, else a list of `table` or `schema.table` names
(split at the first dot, each part quoted). Going between "all tables" and a list cannot be done with ALTER,
so the publication is dropped and created again (its id changes; the answer is the new one), as upstream.
"""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from oricol.sql import Sql, join, raw

from . import ddl, http, sqlfiles
from .body import MISSING, Body
from .groups import PUBLICATIONS, by_id_query
from .listing import equals, single
from .writes import answer, in_transaction, read_one

OPERATIONS = ("insert", "update", "delete", "truncate")


def missing(publication_id: int) -> str:
    return f"Cannot find a publication with ID {publication_id}"


def by_name(name: str) -> Sql:
    return single(sqlfiles.query("publications"), where=[equals("name", name, "text")])


def _table(name: str) -> Sql:
    schema, dot, table = name.partition(".")
    return ddl.name(schema) + raw(".") + ddl.name(table) if dot else ddl.name(name)


def _tables(body: Body) -> list[str] | None | object:
    """The body's `tables`: MISSING when absent, None for all tables, else the list of names."""
    if not body.has("tables"):
        return MISSING
    return None if body.raw("tables") is None else body.str_list("tables")


def _publish(flags: dict[str, bool]) -> Sql:
    chosen = ", ".join(operation for operation in OPERATIONS if flags[operation])
    return raw("(publish = ") + ddl.text_literal(chosen) + raw(")")


def _flags(body: Body, fallback: dict[str, bool]) -> dict[str, bool]:
    return {operation: body.bool(f"publish_{operation}", fallback[operation]) for operation in OPERATIONS}


@http.endpoint()
async def create_publication(request: Request) -> Response:
    body = Body(await http.json_body(request))
    name = body.required_str("name")
    tables = _tables(body)
    statement = raw("create publication ") + ddl.name(name)
    if tables is MISSING or tables is None:
        statement = statement + raw(" for all tables")
    elif isinstance(tables, list) and tables:
        statement = statement + raw(" for table ") + join(", ", [_table(table) for table in tables])
    statement = statement + raw(" with ") + _publish(_flags(body, dict.fromkeys(OPERATIONS, False)))

    async def step(conn) -> Response:
        await ddl.run(conn, [statement])
        return await answer(conn, by_name(name), f"Cannot find a publication named {name}")

    return await in_transaction(request, step)


def _table_changes(old: dict, tables) -> list[Sql]:
    this = ddl.name(old["name"])
    if tables is MISSING or (tables is None and old["tables"] is None):
        return []
    if tables is None or old["tables"] is None:  # between all tables and a list: made again
        return [raw("drop publication ") + this,
                raw("create publication ") + this + raw(" for all tables" if tables is None else "")]
    statements = []
    if old["tables"]:
        statements.append(raw("alter publication ") + this + raw(" drop table ")
                          + join(", ", [ddl.name(t["schema"]) + raw(".") + ddl.name(t["name"]) for t in old["tables"]]))
    if tables:
        statements.append(raw("alter publication ") + this + raw(" add table ")
                          + join(", ", [_table(table) for table in tables]))
    return statements


@http.endpoint()
async def update_publication(request: Request) -> Response:
    publication_id = http.numeric_id(request)
    body = Body(await http.json_body(request))
    name, owner, tables = body.str("name"), body.str("owner"), _tables(body)

    async def step(conn) -> Response:
        old = await read_one(conn, by_id_query(PUBLICATIONS, publication_id), missing(publication_id))
        flags = _flags(body, {operation: old[f"publish_{operation}"] for operation in OPERATIONS})
        clauses = [raw("set ") + _publish(flags)] + ([raw("owner to ") + ddl.name(owner)] if owner is not None else [])
        await ddl.run(conn, _table_changes(old, tables) + ddl.alter("publication", old["name"], clauses, name))
        final = name or old["name"]
        return await answer(conn, by_name(final), f"Cannot find a publication named {final}")

    return await in_transaction(request, step)


@http.endpoint()
async def delete_publication(request: Request) -> Response:
    publication_id = http.numeric_id(request)

    async def step(conn) -> Response:
        old = await read_one(conn, by_id_query(PUBLICATIONS, publication_id), missing(publication_id))
        await ddl.run(conn, [raw("drop publication if exists ") + ddl.name(old["name"])])
        return http.json_response(old)

    return await in_transaction(request, step)
