"""/pg/policies: list, get, create, alter and drop row-level security policies.

USING and WITH CHECK are SQL expressions by the API's design (Studio's policy editor sends them); see
ddl.py for why they cannot carry a second statement.
"""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from oricol.sql import Sql, ident, join, raw

from . import ddl, http, sqlfiles
from .body import Body
from .groups import Group, by_id_query, get_endpoint, list_endpoint
from .listing import equals, single
from .writes import answer, in_transaction, read_one

POLICIES = Group("policies", '"schema", "table", "name"', "a policy")
ACTIONS = ("PERMISSIVE", "RESTRICTIVE")
COMMANDS = ("SELECT", "INSERT", "UPDATE", "DELETE", "ALL")

list_policies = list_endpoint(POLICIES)
get_policy = get_endpoint(POLICIES)


def missing(policy_id: int) -> str:
    return f"Cannot find a policy with ID {policy_id}"


def _roles(roles: list[str]) -> Sql:
    return join(", ", [ddl.name(role) for role in roles])


@http.endpoint()
async def create_policy(request: Request) -> Response:
    body = Body(await http.json_body(request))
    name, table = body.required_str("name"), body.required_str("table")
    schema = body.str("schema", "public")
    definition, check = body.str("definition"), body.str("check")
    action = body.choice("action", ACTIONS, "PERMISSIVE")
    command = body.choice("command", COMMANDS, "ALL")
    roles = body.str_list("roles", ["public"])
    statement = (raw("create policy ") + ddl.name(name) + raw(" on ") + ident(schema, table)
                 + raw(f" as {action.lower()} for {command.lower()} to ") + _roles(roles or ["public"]))
    if definition is not None:
        statement = statement + raw(" using (") + raw(definition) + raw(")")
    if check is not None:
        statement = statement + raw(" with check (") + raw(check) + raw(")")

    async def step(conn) -> Response:
        await ddl.run(conn, [statement])
        found = single(sqlfiles.query("policies"), where=[equals("schema", schema, "text"),
                                                          equals("table", table, "text"), equals("name", name, "text")])
        return await answer(conn, found, f"Cannot find a policy named {name} for table {schema}.{table}")

    return await in_transaction(request, step)


@http.endpoint()
async def update_policy(request: Request) -> Response:
    policy_id = http.numeric_id(request)
    body = Body(await http.json_body(request))
    name, definition, check = body.str("name"), body.str("definition"), body.str("check")
    roles = body.str_list("roles")

    async def step(conn) -> Response:
        old = await read_one(conn, by_id_query(POLICIES, policy_id), missing(policy_id))
        alter = raw("alter policy ") + ddl.name(old["name"]) + raw(" on ") + ident(old["schema"], old["table"])
        statements = []
        if definition is not None:
            statements.append(alter + raw(" using (") + raw(definition) + raw(")"))
        if check is not None:
            statements.append(alter + raw(" with check (") + raw(check) + raw(")"))
        if roles is not None:
            statements.append(alter + raw(" to ") + _roles(roles or ["public"]))
        if name is not None and name != old["name"]:  # last: the statements above use the old name
            statements.append(alter + raw(" rename to ") + ddl.name(name))
        await ddl.run(conn, statements)
        return await answer(conn, by_id_query(POLICIES, policy_id), missing(policy_id))

    return await in_transaction(request, step)


@http.endpoint()
async def delete_policy(request: Request) -> Response:
    policy_id = http.numeric_id(request)

    async def step(conn) -> Response:
        old = await read_one(conn, by_id_query(POLICIES, policy_id), missing(policy_id))
        await ddl.run(conn, [raw("drop policy ") + ddl.name(old["name"]) + raw(" on ")
                             + ident(old["schema"], old["table"])])
        return http.json_response(old)

    return await in_transaction(request, step)
