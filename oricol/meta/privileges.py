"""/pg/table-privileges and /pg/column-privileges: who holds which privilege on each relation and column,
and granting or revoking them, in postgres-meta's shapes.

GET lists (schema filters, limit, offset); POST takes an array of grants, DELETE an array of revokes;
both apply every item in one transaction and answer the affected relations' (or columns') privileges.
A grantee named `public` (any case) is PUBLIC, any other name is quoted as an identifier; privilege
types come from a fixed list, so no request text reaches a statement unquoted.
"""
from __future__ import annotations

import re
from typing import Any

import asyncpg
import orjson
from starlette.requests import Request
from starlette.responses import Response

from oricol.sql import Sql, ident, param, raw

from . import ddl, errors, http, sqlfiles
from .connection import fetch_json
from .groups import Group, list_endpoint
from .listing import listing
from .writes import in_transaction

TABLE_PRIVILEGES = Group("table_privileges", '"schema", "name"', "a relation")
COLUMN_PRIVILEGES = Group("column_privileges",
                          "\"relation_schema\", \"relation_name\", split_part(\"column_id\", '.', 2)::int",
                          "a column", schema_column="relation_schema")

TABLE_TYPES = ("ALL", "SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN")
COLUMN_TYPES = ("ALL", "SELECT", "INSERT", "UPDATE", "REFERENCES")
COLUMN_ID = re.compile(r"^(\d+)\.(\d+)$")

list_table_privileges = list_endpoint(TABLE_PRIVILEGES)
list_column_privileges = list_endpoint(COLUMN_PRIVILEGES)


# -- validating the body (an array of objects), worded as postgres-meta's validator -------------------

async def _items(request: Request) -> list[dict[str, Any]]:
    raw_body = await request.body()
    try:
        value = orjson.loads(raw_body) if raw_body.strip() else None
    except orjson.JSONDecodeError:
        raise errors.bad_request("Body is not valid JSON") from None
    if not isinstance(value, list):
        raise errors.invalid("", "must be array")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise errors.invalid(str(index), "must be object")
    return value


def _required(item: dict[str, Any], index: int, name: str) -> Any:
    if name not in item:
        raise errors.invalid(str(index), f"must have required property '{name}'")
    return item[name]


def _grantee(item: dict[str, Any], index: int) -> Sql:
    grantee = _required(item, index, "grantee")
    if not isinstance(grantee, str) or not grantee or "\x00" in grantee:
        raise errors.invalid(f"{index}/grantee", "must be string")
    return raw("public") if grantee.lower() == "public" else ddl.name(grantee)


def _privilege(item: dict[str, Any], index: int, allowed: tuple[str, ...]) -> Sql:
    value = _required(item, index, "privilege_type")
    if value not in allowed:
        raise errors.invalid(f"{index}/privilege_type",
                             "must be equal to one of the allowed values: " + ", ".join(allowed))
    return raw(value)  # one of our own literals


def _grant_option(item: dict[str, Any], index: int) -> Sql:
    value = item.get("is_grantable", False)
    if not isinstance(value, bool):
        raise errors.invalid(f"{index}/is_grantable", "must be boolean")
    return raw(" with grant option") if value else raw("")


def _relation_id(item: dict[str, Any], index: int) -> int:
    value = _required(item, index, "relation_id")
    if isinstance(value, bool) or not isinstance(value, int):
        raise errors.invalid(f"{index}/relation_id", "must be integer")
    return value


def _column_id(item: dict[str, Any], index: int) -> tuple[int, int, str]:
    value = _required(item, index, "column_id")
    match = COLUMN_ID.match(value) if isinstance(value, str) else None
    if not match:
        raise errors.invalid(f"{index}/column_id", 'must match pattern "^(\\d+)\\.(\\d+)$"')
    return int(match[1]), int(match[2]), value


# -- finding what a grant names --------------------------------------------------------------------

RELKINDS = "('r', 'v', 'm', 'f', 'p')"


async def _relation(conn: asyncpg.Connection, relation_id: int) -> Sql:
    found = await conn.fetchrow(
        f"select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        f"where c.oid = $1::int8 and c.relkind in {RELKINDS}", relation_id) if 0 < relation_id < 2**32 else None
    if found is None:
        raise errors.not_found(f"Cannot find a relation with ID {relation_id}")
    return ident(found[0], found[1])


async def _column(conn: asyncpg.Connection, relation_id: int, position: int, column_id: str) -> tuple[Sql, Sql]:
    found = None
    if 0 < relation_id < 2**32 and 0 < position < 2**15:
        found = await conn.fetchrow(
            f"select n.nspname, c.relname, a.attname from pg_attribute a join pg_class c on c.oid = a.attrelid "
            f"join pg_namespace n on n.oid = c.relnamespace where a.attrelid = $1::int8 and a.attnum = $2 "
            f"and not a.attisdropped and c.relkind in {RELKINDS}", relation_id, position)
    if found is None:
        raise errors.not_found(f"Cannot find a column with ID {column_id}")
    return ident(found[0], found[1]), ddl.name(found[2])


# -- the writes ------------------------------------------------------------------------------------

async def _change_tables(request: Request, granting: bool) -> Response:
    items = await _items(request)
    parsed = [(_relation_id(item, i), _privilege(item, i, TABLE_TYPES), _grantee(item, i),
               _grant_option(item, i) if granting else raw("")) for i, item in enumerate(items)]

    async def step(conn: asyncpg.Connection) -> Response:
        statements = []
        for relation_id, privilege, grantee, option in parsed:
            target = await _relation(conn, relation_id)
            if granting:
                statements.append(raw("grant ") + privilege + raw(" on table ") + target + raw(" to ") + grantee + option)
            else:
                statements.append(raw("revoke ") + privilege + raw(" on table ") + target + raw(" from ") + grantee)
        await ddl.run(conn, statements)
        ids = sorted({relation_id for relation_id, *_ in parsed})
        where = [raw("x.relation_id = any(") + param(ids, "int8[]") + raw(")")]
        return http.raw_json(await fetch_json(conn, listing(sqlfiles.query("table_privileges"), where=where,
                                                            order=TABLE_PRIVILEGES.order)) or "[]")

    return await in_transaction(request, step)


async def _change_columns(request: Request, granting: bool) -> Response:
    items = await _items(request)
    parsed = [(_column_id(item, i), _privilege(item, i, COLUMN_TYPES), _grantee(item, i),
               _grant_option(item, i) if granting else raw("")) for i, item in enumerate(items)]

    async def step(conn: asyncpg.Connection) -> Response:
        statements = []
        for (relation_id, position, column_id), privilege, grantee, option in parsed:
            target, column = await _column(conn, relation_id, position, column_id)
            on = privilege + raw(" (") + column + raw(") on table ") + target
            if granting:
                statements.append(raw("grant ") + on + raw(" to ") + grantee + option)
            else:
                statements.append(raw("revoke ") + on + raw(" from ") + grantee)
        await ddl.run(conn, statements)
        ids = sorted({column_id for (_, _, column_id), *_ in parsed})
        where = [raw("x.column_id = any(") + param(ids, "text[]") + raw(")")]
        return http.raw_json(await fetch_json(conn, listing(sqlfiles.query("column_privileges"), where=where,
                                                            order=COLUMN_PRIVILEGES.order)) or "[]")

    return await in_transaction(request, step)


@http.endpoint()
async def grant_table_privileges(request: Request) -> Response:
    return await _change_tables(request, granting=True)


@http.endpoint()
async def revoke_table_privileges(request: Request) -> Response:
    return await _change_tables(request, granting=False)


@http.endpoint()
async def grant_column_privileges(request: Request) -> Response:
    return await _change_columns(request, granting=True)


@http.endpoint()
async def revoke_column_privileges(request: Request) -> Response:
    return await _change_columns(request, granting=False)
