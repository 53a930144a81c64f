"""/pg/tables: list, get, create, alter and drop tables as postgres-meta does."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from oricol.sql import Sql, ident, join, raw

from . import ddl, errors, http, sqlfiles
from .body import Body
from .groups import Group, by_id_query, get_endpoint, list_endpoint
from .listing import equals, single
from .relations import columns_of
from .writes import answer, in_transaction, read_one

TABLES = Group("tables", '"schema", "name"', "a table", columns_by_default=True)
REPLICA_IDENTITIES = ("DEFAULT", "INDEX", "FULL", "NOTHING")

list_tables = list_endpoint(TABLES)
get_table = get_endpoint(TABLES)


def by_name(schema: str, name: str) -> Sql:
    where = [equals("schema", schema, "text"), equals("name", name, "text")]
    return single(columns_of(sqlfiles.query("tables"), [equals("schema", schema, "text"),
                                                        equals("table", name, "text")]), where=where)


def missing(table_id: int) -> str:
    return f"Cannot find a table with ID {table_id}"


@http.endpoint()
async def create_table(request: Request) -> Response:
    body = Body(await http.json_body(request))
    name = body.required_str("name")
    schema = body.str("schema", "public")
    comment = body.str("comment", empty_ok=True)
    statements = [raw("create table ") + ident(schema, name) + raw(" ()")]
    if comment is not None:
        statements.append(raw("comment on table ") + ident(schema, name) + raw(" is ") + ddl.text_literal(comment))

    async def step(conn) -> Response:
        await ddl.run(conn, statements)
        return await answer(conn, by_name(schema, name), f"Cannot find a table named {name} in schema {schema}")

    return await in_transaction(request, step)


@http.endpoint()
async def update_table(request: Request) -> Response:
    table_id = http.numeric_id(request)
    body = Body(await http.json_body(request))
    change = {
        "name": body.str("name"), "schema": body.str("schema"),
        "rls_enabled": body.bool("rls_enabled"), "rls_forced": body.bool("rls_forced"),
        "replica_identity": body.choice("replica_identity", REPLICA_IDENTITIES),
        "replica_identity_index": body.str("replica_identity_index"),
        "primary_keys": _primary_keys(body), "comment": body.str("comment", empty_ok=True),
    }
    if change["replica_identity"] == "INDEX" and not change["replica_identity_index"]:
        raise errors.bad_request("replica_identity INDEX needs replica_identity_index")

    async def step(conn) -> Response:
        old = await read_one(conn, by_id_query(TABLES, table_id), missing(table_id))
        await ddl.run(conn, await _alterations(conn, old, change))
        return await answer(conn, by_id_query(TABLES, table_id), missing(table_id))

    return await in_transaction(request, step)


@http.endpoint()
async def delete_table(request: Request) -> Response:
    table_id = http.numeric_id(request)
    cascade = http.flag(request, "cascade")

    async def step(conn) -> Response:
        table = await read_one(conn, by_id_query(TABLES, table_id), missing(table_id))
        await ddl.run(conn, [raw("drop table ") + ident(table["schema"], table["name"])
                             + raw(" cascade" if cascade else " restrict")])
        return http.json_response(table)

    return await in_transaction(request, step)


def _primary_keys(body: Body) -> list[str] | None:
    value = body.raw("primary_keys", None)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, dict) and isinstance(item.get("name"), str)
                                              and item["name"] for item in value):
        raise errors.invalid("primary_keys", "must be array of objects with a name")
    return [item["name"] for item in value]


async def _alterations(conn, old: dict, change: dict) -> list[Sql]:
    """In postgres-meta's order: RLS, replica identity, primary key, comment, then schema and name last."""
    table = ident(old["schema"], old["name"])
    alter = raw("alter table ") + table
    out: list[Sql] = []
    if change["rls_enabled"] is not None:
        out.append(alter + raw(" enable" if change["rls_enabled"] else " disable") + raw(" row level security"))
    if change["rls_forced"] is not None:
        out.append(alter + raw(" force" if change["rls_forced"] else " no force") + raw(" row level security"))
    if change["replica_identity"] == "INDEX":
        out.append(alter + raw(" replica identity using index ") + ddl.name(change["replica_identity_index"]))
    elif change["replica_identity"] is not None:
        out.append(alter + raw(" replica identity " + change["replica_identity"].lower()))
    if change["primary_keys"] is not None:
        current = await conn.fetchval("select conname from pg_constraint where contype = 'p' and conrelid = $1",
                                      old["id"])
        if current is not None:
            out.append(alter + raw(" drop constraint ") + ddl.name(current))
        if change["primary_keys"]:
            out.append(alter + raw(" add primary key (") + join(", ", [ddl.name(c) for c in change["primary_keys"]])
                       + raw(")"))
    if change["comment"] is not None:
        out.append(raw("comment on table ") + table + raw(" is ") + ddl.text_literal(change["comment"]))
    schema = old["schema"]
    if change["schema"] is not None and change["schema"] != old["schema"]:
        out.append(alter + raw(" set schema ") + ddl.name(change["schema"]))
        schema = change["schema"]
    if change["name"] is not None and change["name"] != old["name"]:
        out.append(raw("alter table ") + ident(schema, old["name"]) + raw(" rename to ") + ddl.name(change["name"]))
    return out
