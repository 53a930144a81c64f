"""/pg/columns: list, get, add, alter and drop columns as postgres-meta does.

A column's id is `<table oid>.<ordinal position>`. Writes follow postgres-meta's statement order (the
rename last, because every other statement names the column by its old name).
"""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from oricol.sql import Sql, ident, raw

from . import ddl, errors, http, sqlfiles
from .body import MISSING, Body
from .groups import by_id_query
from .listing import Page, SchemaFilter, equals, listing, single
from .tables import TABLES
from .tables import missing as table_missing
from .writes import answer, in_transaction, read_one

IDENTITY = ("BY DEFAULT", "ALWAYS")
DEFAULT_FORMATS = ("literal", "expression")


def by_id(table_id: int, position: int) -> Sql:
    return single(sqlfiles.query("columns"), where=[equals("id", f"{table_id}.{position}", "text")])


def missing(table_id: int, position: int) -> str:
    return f"Cannot find a column with ID {table_id}.{position}"


def _ids(request: Request) -> tuple[int, int]:
    return int(request.path_params["table_id"]), int(request.path_params["position"])


@http.endpoint(listing=True)
async def list_columns(request: Request) -> Response:
    schemas = SchemaFilter.from_request(request)
    query = listing(sqlfiles.query("columns"), where=[schemas.condition("schema")],
                    order='"schema", "table", "ordinal_position"', page=Page.from_request(request))
    return http.raw_json(await request.app.state.db.read_json(query))


@http.endpoint(listing=True)
async def first_column_of_table(request: Request) -> Response:
    """GET /columns/<table id>: postgres-meta answers the table's first column (or nothing), kept as is."""
    table_id = int(request.path_params["table_id"])
    query = listing(sqlfiles.query("columns"), where=[equals("table_id", table_id, "int8")],
                    order='"ordinal_position"', page=Page(limit=1))
    found = await request.app.state.db.read_json(query)
    return http.raw_json(found[1:-1] or b"")


@http.endpoint()
async def get_column(request: Request) -> Response:
    table_id, position = _ids(request)

    async def step(conn) -> Response:
        return await answer(conn, by_id(table_id, position), missing(table_id, position))

    return await in_transaction(request, step)


def _default_clause(body: Body, value) -> Sql:
    if body.choice("default_value_format", DEFAULT_FORMATS, "literal") == "expression":
        if not isinstance(value, str) or not value.strip():
            raise errors.invalid("default_value", "must be a non-empty string when it is an expression")
        return raw(value)
    return ddl.literal(value)


@http.endpoint()
async def create_column(request: Request) -> Response:
    body = Body(await http.json_body(request))
    table_id = body.int("table_id", required=True)
    name, written_type = body.required_str("name"), body.required_str("type")
    default = body.raw("default_value")
    is_identity = body.bool("is_identity", False)
    generation = body.choice("identity_generation", IDENTITY, "BY DEFAULT")
    is_nullable = body.bool("is_nullable")
    primary, unique = body.bool("is_primary_key", False), body.bool("is_unique", False)
    comment, check = body.str("comment", empty_ok=True), body.str("check")
    if is_identity and default is not MISSING:
        raise errors.bad_request("Columns cannot both be identity and have a default value")

    async def step(conn) -> Response:
        table = await read_one(conn, by_id_query(TABLES, table_id), table_missing(table_id))
        target = ident(table["schema"], table["name"])
        clause = raw(" add column ") + ddl.name(name) + raw(" ") + await ddl.type_name(conn, written_type)
        if is_identity:
            clause = clause + raw(f" generated {generation.lower()} as identity")
        elif default is not MISSING:
            clause = clause + raw(" default ") + _default_clause(body, default)
        if is_nullable is not None:
            clause = clause + raw(" null" if is_nullable else " not null")
        clause = clause + raw(" primary key" if primary else "") + raw(" unique" if unique else "")
        if check is not None:
            clause = clause + raw(" check (") + raw(check) + raw(")")
        statements = [raw("alter table ") + target + clause]
        if comment is not None:
            statements.append(raw("comment on column ") + ident(table["schema"], table["name"], name)
                              + raw(" is ") + ddl.text_literal(comment))
        await ddl.run(conn, statements)
        position = await conn.fetchval("select attnum from pg_attribute where attrelid = $1 and attname = $2",
                                       table_id, name)
        return await answer(conn, by_id(table_id, position),
                            f"Cannot find a column named {name} in table {table['schema']}.{table['name']}")

    return await in_transaction(request, step)


@http.endpoint()
async def update_column(request: Request) -> Response:
    table_id, position = _ids(request)
    body = Body(await http.json_body(request))
    change = {
        "name": body.str("name"), "type": body.str("type"), "drop_default": body.bool("drop_default", False),
        "default": body.raw("default_value"), "is_identity": body.bool("is_identity"),
        "generation": body.choice("identity_generation", IDENTITY, "BY DEFAULT"),
        "is_nullable": body.bool("is_nullable"), "is_unique": body.bool("is_unique"),
        "comment": body.str("comment", empty_ok=True), "check": body.nullable_str("check"),
    }

    async def step(conn) -> Response:
        old = await read_one(conn, by_id(table_id, position), missing(table_id, position))
        await ddl.run(conn, await _alterations(conn, body, old, change))
        if change["check"] not in (MISSING, None):
            await _verify_check(conn, old)
        return await answer(conn, by_id(table_id, position), missing(table_id, position))

    return await in_transaction(request, step)


async def _alterations(conn, body: Body, old: dict, change: dict) -> list[Sql]:
    table = ident(old["schema"], old["table"])
    column = ddl.name(old["name"])
    alter = raw("alter table ") + table + raw(" alter column ") + column
    out: list[Sql] = []
    if change["is_nullable"] is not None:
        out.append(alter + raw(" drop not null" if change["is_nullable"] else " set not null"))
    if change["type"] is not None:
        # USING lets a value convert through its text form (int4 -> text and back), as postgres-meta does.
        written = await ddl.type_name(conn, change["type"])
        out.append(alter + raw(" set data type ") + written + raw(" using ") + column + raw("::") + written)
    if change["drop_default"]:
        out.append(alter + raw(" drop default"))
    elif change["default"] is not MISSING:
        out.append(alter + raw(" set default ") + _default_clause(body, change["default"]))
    if change["is_identity"] is False:
        out.append(alter + raw(" drop identity if exists"))
    elif old["is_identity"] and body.has("identity_generation"):
        out.append(alter + raw(f" set generated {change['generation'].lower()}"))
    elif change["is_identity"] and not old["is_identity"]:
        out.append(alter + raw(f" add generated {change['generation'].lower()} as identity"))
    out += await _unique(conn, old, change["is_unique"], table, column)
    if change["comment"] is not None:
        out.append(raw("comment on column ") + ident(old["schema"], old["table"], old["name"]) + raw(" is ")
                   + ddl.text_literal(change["comment"]))
    if change["check"] is not MISSING:
        out += await _check(conn, old, change["check"], table)
    if change["name"] is not None and change["name"] != old["name"]:
        out.append(raw("alter table ") + table + raw(" rename column ") + column + raw(" to ")
                   + ddl.name(change["name"]))
    return out


async def _unique(conn, old: dict, wanted: bool | None, table: Sql, column: Sql) -> list[Sql]:
    if wanted is None or wanted == old["is_unique"]:
        return []
    if wanted:
        return [raw("alter table ") + table + raw(" add unique (") + column + raw(")")]
    names = await conn.fetch("select conname from pg_constraint where contype = 'u' and conrelid = $1 "
                             "and conkey = array[$2::int2]", old["table_id"], old["ordinal_position"])
    return [raw("alter table ") + table + raw(" drop constraint ") + ddl.name(row["conname"]) for row in names]


async def _check(conn, old: dict, check: str | None, table: Sql) -> list[Sql]:
    """Replace the column's (first) single-column CHECK; a new one must refer to this column alone."""
    out: list[Sql] = []
    current = await conn.fetchval("select conname from pg_constraint where contype = 'c' and conrelid = $1 "
                                  "and conkey = array[$2::int2] order by oid limit 1",
                                  old["table_id"], old["ordinal_position"])
    if current is not None:
        out.append(raw("alter table ") + table + raw(" drop constraint ") + ddl.name(current))
    if check is not None:
        out.append(raw("alter table ") + table + raw(" add constraint ")
                   + ddl.name(f"{old['table']}_{old['name']}_check") + raw(" check (") + raw(check) + raw(")"))
    return out


async def _verify_check(conn, old: dict) -> None:
    """The new CHECK must constrain this column alone, as postgres-meta asserts; otherwise all is undone."""
    keys = await conn.fetchval("select conkey from pg_constraint where conrelid = $1 and conname = $2",
                               old["table_id"], f"{old['table']}_{old['name']}_check")
    if keys is None:
        raise errors.bad_request("error creating column constraint: check condition must refer to this column")
    if len(keys) != 1:
        raise errors.bad_request("error creating column constraint: check condition cannot refer to multiple columns")
    if keys[0] != old["ordinal_position"]:
        raise errors.bad_request("error creating column constraint: check condition cannot refer to other columns")


@http.endpoint()
async def delete_column(request: Request) -> Response:
    table_id, position = _ids(request)
    cascade = http.flag(request, "cascade")

    async def step(conn) -> Response:
        old = await read_one(conn, by_id(table_id, position), missing(table_id, position))
        await ddl.run(conn, [raw("alter table ") + ident(old["schema"], old["table"]) + raw(" drop column ")
                             + ddl.name(old["name"]) + raw(" cascade" if cascade else " restrict")])
        return http.json_response(old)

    return await in_transaction(request, step)
