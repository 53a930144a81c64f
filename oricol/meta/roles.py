"""/pg/roles writes: create, alter, rename and drop roles as postgres-meta does.

Every attribute is a keyword chosen here (SUPERUSER / NOSUPERUSER, ...), names are identifiers, the password,
expiry and setting values are literals. A setting value with commas is a list (`search_path: "a, b"`), each
element its own literal, as upstream writes it. The password travels only inside the statement (never
logged here; the read side shows pg_roles' mask).
"""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from oricol.sql import Sql, join, raw

from . import ddl, errors, http, sqlfiles
from .body import Body
from .groups import ROLES, by_id_query
from .listing import equals, single
from .writes import answer, in_transaction, read_one

# body field -> (keyword when true, keyword when false)
SWITCHES = {
    "is_superuser": ("superuser", "nosuperuser"), "can_create_db": ("createdb", "nocreatedb"),
    "can_create_role": ("createrole", "nocreaterole"), "inherit_role": ("inherit", "noinherit"),
    "can_login": ("login", "nologin"), "is_replication_role": ("replication", "noreplication"),
    "can_bypass_rls": ("bypassrls", "nobypassrls"),
}
CREATE_DEFAULTS = {"is_superuser": False, "can_create_db": False, "can_create_role": False, "inherit_role": True,
                   "can_login": False, "is_replication_role": False, "can_bypass_rls": False}
CONFIG_OPS = ("add", "replace", "remove")


def missing(role_id: int) -> str:
    return f"Cannot find a role with ID {role_id}"


def _options(body: Body, defaults: dict[str, bool]) -> list[Sql]:
    options = []
    for field, (on, off) in SWITCHES.items():
        value = body.bool(field, defaults.get(field))
        if value is not None:
            options.append(raw(on if value else off))
    limit = body.int("connection_limit")
    if limit is None and defaults:
        limit = -1
    if limit is not None:
        options.append(raw(f"connection limit {int(limit)}"))
    password, valid_until = body.str("password", empty_ok=True), body.str("valid_until")
    if password is not None:
        options.append(raw("password ") + ddl.text_literal(password))
    if valid_until is not None:
        options.append(raw("valid until ") + ddl.text_literal(valid_until))
    return options


def _roles(names: list[str]) -> Sql:
    return join(", ", [ddl.name(name) for name in names])


def _config_value(value: str) -> Sql:
    return join(", ", [ddl.text_literal(part.strip()) for part in value.split(",")])


def _set(setting: str, value: str) -> Sql:
    return raw("set ") + ddl.name(setting) + raw(" = ") + _config_value(value)


@http.endpoint()
async def create_role(request: Request) -> Response:
    body = Body(await http.json_body(request))
    name = body.required_str("name")
    statement = raw("create role ") + ddl.name(name) + raw(" with ") + join(" ", _options(body, CREATE_DEFAULTS))
    for field, clause in (("member_of", " in role "), ("members", " role "), ("admins", " admin ")):
        names = body.str_list(field)
        if names:
            statement = statement + raw(clause) + _roles(names)
    config = body.str_map("config", {})
    # As upstream: an empty setting name or value is skipped.
    settings = [_set(key, value) for key, value in config.items() if key and value]
    statements = [statement, *ddl.alter("role", name, settings)]

    async def step(conn) -> Response:
        await ddl.run(conn, statements)
        return await answer(conn, single(sqlfiles.query("roles"), where=[equals("name", name, "text")]),
                            f"Cannot find a role named {name}")

    return await in_transaction(request, step)


def _config_clauses(changes: list[dict]) -> list[Sql]:
    clauses = []
    for change in changes:
        op, path, value = change.get("op"), change.get("path"), change.get("value")
        if op not in CONFIG_OPS:
            raise errors.invalid("config", "op must be equal to one of the allowed values: " + ", ".join(CONFIG_OPS))
        if not isinstance(path, str) or not path:
            raise errors.bad_request(f"Invalid config value {value}")
        if op == "remove":
            clauses.append(raw("reset ") + ddl.name(path))
        elif isinstance(value, str) and value:
            clauses.append(_set(path, value))
        else:
            raise errors.invalid("config", "value must be a non-empty string")
    return clauses


@http.endpoint()
async def update_role(request: Request) -> Response:
    role_id = http.numeric_id(request)
    body = Body(await http.json_body(request))
    name, options, changes = body.str("name"), _options(body, {}), body.objects("config", [])

    async def step(conn) -> Response:
        old = await read_one(conn, by_id_query(ROLES, role_id), missing(role_id))
        clauses = ([raw("with ") + join(" ", options)] if options else []) + _config_clauses(changes)
        await ddl.run(conn, ddl.alter("role", old["name"], clauses, name))
        return await answer(conn, by_id_query(ROLES, role_id), missing(role_id))

    return await in_transaction(request, step)


@http.endpoint()
async def delete_role(request: Request) -> Response:
    role_id = http.numeric_id(request)

    async def step(conn) -> Response:
        old = await read_one(conn, by_id_query(ROLES, role_id), missing(role_id))
        await ddl.run(conn, [raw("drop role ") + ddl.name(old["name"])])
        return http.json_response(old)

    return await in_transaction(request, step)
