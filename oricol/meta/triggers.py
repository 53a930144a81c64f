"""/pg/triggers writes: create, rename, enable/disable and drop triggers as postgres-meta does.

Activation, orientation and events are checked against PostgreSQL's keywords (an `UPDATE OF a, b` event has
its columns quoted); the function's arguments are literals; the WHEN condition is SQL by the API's design
(see ddl.py for why it cannot carry a second statement).
"""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from oricol.sql import Sql, ident, join, raw

from . import ddl, errors, http, sqlfiles
from .body import Body
from .groups import TRIGGERS, by_id_query
from .listing import equals, single
from .writes import answer, in_transaction, read_one

ACTIVATIONS = ("BEFORE", "AFTER", "INSTEAD OF")
ORIENTATIONS = ("ROW", "STATEMENT")
EVENTS = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")
ENABLED_MODES = ("ORIGIN", "REPLICA", "ALWAYS", "DISABLED")


def missing(trigger_id: int) -> str:
    return f"Cannot find a trigger with ID {trigger_id}"


def _event(event: str) -> Sql:
    words = event.strip()
    if words.upper() in EVENTS:
        return raw(words.upper())
    head, _, columns = words.partition(" ")
    rest = columns.strip()
    if head.upper() == "UPDATE" and rest[:3].upper() == "OF " and rest[3:].strip():
        names = [name.strip() for name in rest[3:].split(",")]
        if all(names):
            return raw("UPDATE OF ") + join(", ", [ddl.name(name) for name in names])
    raise errors.invalid("events", "must be INSERT, UPDATE, UPDATE OF <columns>, DELETE or TRUNCATE")


def create_statement(body: Body) -> tuple[Sql, dict[str, str]]:
    found = {"name": body.required_str("name"), "table": body.required_str("table"),
             "schema": body.str("schema", "public")}
    function_name = body.required_str("function_name")
    activation = body.choice("activation", ACTIVATIONS)
    if activation is None:
        raise errors.invalid("", "must have required property 'activation'")
    events = body.str_list("events")
    if not events:
        raise errors.invalid("", "must have required property 'events'")
    orientation = body.choice("orientation", ORIENTATIONS)
    condition = body.str("condition")
    arguments = body.strings("function_args", [])
    statement = (raw("create trigger ") + ddl.name(found["name"]) + raw(f" {activation} ")
                 + join(" or ", [_event(event) for event in events])
                 + raw(" on ") + ident(found["schema"], found["table"]))
    if orientation:
        statement = statement + raw(f" for each {orientation}")
    if condition:
        statement = statement + raw(" when (") + raw(condition) + raw(")")
    statement = (statement + raw(" execute function ") + ident(body.str("function_schema", "public"), function_name)
                 + raw("(") + join(", ", [ddl.text_literal(argument) for argument in arguments]) + raw(")"))
    return statement, found


@http.endpoint()
async def create_trigger(request: Request) -> Response:
    statement, found = create_statement(Body(await http.json_body(request)))

    async def step(conn) -> Response:
        await ddl.run(conn, [statement])
        where = [equals(key, value, "text") for key, value in found.items()]
        return await answer(conn, single(sqlfiles.query("triggers"), where=where),
                            f"Cannot find a trigger named {found['name']} on {found['schema']}.{found['table']}")

    return await in_transaction(request, step)


@http.endpoint()
async def update_trigger(request: Request) -> Response:
    trigger_id = http.numeric_id(request)
    body = Body(await http.json_body(request))
    name, mode = body.str("name"), body.choice("enabled_mode", ENABLED_MODES)

    async def step(conn) -> Response:
        old = await read_one(conn, by_id_query(TRIGGERS, trigger_id), missing(trigger_id))
        table, trigger = ident(old["schema"], old["table"]), ddl.name(old["name"])
        statements = []
        if mode is not None:
            switch = {"ORIGIN": "enable", "DISABLED": "disable"}.get(mode, f"enable {mode.lower()}")
            statements.append(raw("alter table ") + table + raw(f" {switch} trigger ") + trigger)
        if name and name != old["name"]:  # last: the statement above names the trigger by its old name
            statements.append(raw("alter trigger ") + trigger + raw(" on ") + table + raw(" rename to ")
                              + ddl.name(name))
        await ddl.run(conn, statements)
        return await answer(conn, by_id_query(TRIGGERS, trigger_id), missing(trigger_id))

    return await in_transaction(request, step)


@http.endpoint()
async def delete_trigger(request: Request) -> Response:
    trigger_id = http.numeric_id(request)
    cascade = http.flag(request, "cascade")

    async def step(conn) -> Response:
        old = await read_one(conn, by_id_query(TRIGGERS, trigger_id), missing(trigger_id))
        await ddl.run(conn, [raw("drop trigger ") + ddl.name(old["name"]) + raw(" on ")
                             + ident(old["schema"], old["table"]) + raw(" cascade" if cascade else " restrict")])
        return http.json_response(old)

    return await in_transaction(request, step)
