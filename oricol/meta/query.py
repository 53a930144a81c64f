"""POST /pg/query: run an SQL-editor script and answer the rows of its last statement that returned any.

As with postgres-meta (which sends the script in one simple-query message), a script of several
statements is all-or-nothing unless it manages its own transaction (BEGIN/COMMIT...). Statements run
one by one on a connection of the request's own, so an error can name the statement's position in the
whole script. A failure answers postgres-meta's body: `error` (psql-like text with the LINE and caret),
PostgreSQL's fields under node-postgres' names, `message` and `formattedError`.
"""
from __future__ import annotations

import asyncio
import re
import time

import asyncpg
from starlette.requests import Request
from starlette.responses import Response

from oricol.sqlsplit import Statement, split

from . import errors, http, values

TRANSACTION_CONTROL = re.compile(r"^\s*(begin|start|commit|end|rollback|abort|savepoint|release|prepare\s+transaction)\b",
                                 re.IGNORECASE)

# asyncpg's attribute names -> node-postgres' (what postgres-meta spreads into its error body).
ERROR_FIELDS = (
    ("severity", "severity"), ("sqlstate", "code"), ("detail", "detail"), ("hint", "hint"),
    ("position", "position"), ("internal_position", "internalPosition"), ("internal_query", "internalQuery"),
    ("context", "where"), ("schema_name", "schema"), ("table_name", "table"), ("column_name", "column"),
    ("data_type_name", "dataType"), ("constraint_name", "constraint"), ("server_source_filename", "file"),
    ("server_source_line", "line"), ("server_source_function", "routine"),
)


@http.endpoint()
async def run_query(request: Request) -> Response:
    body = await http.json_body(request)
    script = body.get("query")
    if not isinstance(script, str) or not script.strip():
        raise errors.bad_request("query not found")
    parameters = body.get("parameters") or []
    if not isinstance(parameters, list):
        raise errors.invalid("parameters", "must be array")
    db = request.app.state.db
    read_timeout = db.config.statement_timeout_seconds or None  # 0: no limit
    asked = http.integer(request, "statementTimeoutSecs")
    statement_timeout = min(asked, read_timeout) if asked and read_timeout else asked
    statements = split(script)
    if parameters and len(statements) > 1:
        raise errors.bad_request("parameters need a script of one statement")
    application_name = request.headers.get("x-pg-application-name") or None
    async with db.script_connection(statement_timeout, application_name) as conn:
        await values.prepare(conn)
        rows = await _run(conn, statements, parameters, script, read_timeout, db.config.max_result_bytes or None)
    return http.raw_json(values.rows_json(rows))


def _read_timeout() -> errors.ApiError:
    """postgres-meta's answer when its own wait (PG_QUERY_TIMEOUT_SECS) runs out, unlike a
    statementTimeoutSecs that PostgreSQL enforces (57014, 400)."""
    return errors.query_failed(408, {"error": "Query read timeout", "message": "Query read timeout"})


async def _run(conn: asyncpg.Connection, statements: list[Statement], parameters: list,
               script: str, read_timeout: int | None, cap: int | None) -> list[asyncpg.Record]:
    last: list[asyncpg.Record] = []
    implicit = len(statements) > 1 and not any(TRANSACTION_CONTROL.match(s.text) for s in statements)
    transaction = conn.transaction() if implicit else None
    current = statements[0] if statements else None
    deadline = time.monotonic() + read_timeout if read_timeout else None
    try:
        if transaction is not None:
            await transaction.start()
        for current in statements:
            rows = await _fetch(conn, current.text, parameters, deadline, cap)
            if rows:
                last = rows
        if transaction is not None:
            await transaction.commit()
    except asyncpg.PostgresError as error:
        raise errors.query_failed(400, error_body(error, script, current.offset if current else 0)) from None
    except asyncio.TimeoutError:
        raise _read_timeout() from None
    except asyncpg.InterfaceError as error:
        raise _bind_error(error, parameters) from None
    return last


CHUNK_ROWS = 500


def _left(deadline: float | None) -> float | None:
    """What remains of the read timeout; asyncpg cancels the statement in the server when it runs out."""
    return max(deadline - time.monotonic(), 0.001) if deadline is not None else None


async def _fetch(conn: asyncpg.Connection, text: str, parameters: list, deadline: float | None,
                 cap: int | None) -> list[asyncpg.Record]:
    """One statement's rows. With a cap, rows are read through a cursor in chunks and the answer's
    size is counted as it grows, so an oversized result stops at the cap instead of being built whole."""
    if cap is None:
        return await conn.fetch(text, *parameters, timeout=_left(deadline))
    statement = await conn.prepare(text, timeout=_left(deadline))
    if not statement.get_attributes():  # DDL, or a write without RETURNING
        await statement.fetch(*parameters, timeout=_left(deadline))
        return []
    if conn.is_in_transaction():  # the script's own, or the implicit one of several statements
        return await _read_capped(statement, parameters, deadline, cap)
    async with conn.transaction():  # a cursor lives in a transaction
        return await _read_capped(statement, parameters, deadline, cap)


async def _read_capped(statement, parameters: list, deadline: float | None, cap: int) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = []
    size = 2
    cursor = await statement.cursor(*parameters, timeout=_left(deadline))
    while True:
        chunk = await cursor.fetch(CHUNK_ROWS, timeout=_left(deadline))
        size += len(values.rows_json(chunk))
        if size > cap:
            message = f"Query result size exceeds the limit of {cap} bytes"
            raise errors.query_failed(400, {"error": message, "code": "RESULT_SIZE_EXCEEDED", "message": message})
        rows.extend(chunk)
        if len(chunk) < CHUNK_ROWS:
            return rows


BIND_COUNT = re.compile(r"server expects (\d+) arguments? for this query, (\d+) (?:was|were) passed")


def _bind_error(error: asyncpg.InterfaceError, parameters: list) -> errors.ApiError:
    """A wrong number of parameters is refused by asyncpg before PostgreSQL sees it; answer what
    PostgreSQL answers to such a Bind message (08P01), as postgres-meta relays it."""
    match = BIND_COUNT.search(str(error))
    if match is None:
        return errors.bad_request(str(error))
    wanted, given = match.groups()
    message = f'bind message supplies {given} parameters, but prepared statement "" requires {wanted}'
    fields = {"name": "error", "severity": "ERROR", "code": "08P01", "file": "postgres.c", "routine": "exec_bind_message"}
    formatted = f"ERROR:  08P01: {message}\n"
    body: dict[str, object] = {"error": formatted, **fields, "message": message, "formattedError": formatted}
    body["length"] = _length(body)
    return errors.query_failed(400, body)


def error_body(error: asyncpg.PostgresError, script: str, offset: int) -> dict:
    fields = {"name": "error"}
    for ours, theirs in ERROR_FIELDS:
        value = getattr(error, ours, None)
        if value is not None:
            fields[theirs] = str(value)
    if "position" in fields:
        fields["position"] = str(int(fields["position"]) + offset)
    message = getattr(error, "message", None) or str(error)
    formatted = _formatted(fields, message, script)
    body = {"error": formatted, **fields, "message": message, "formattedError": formatted}
    body["length"] = _length(body)
    return body


# node-postgres field names -> whether PostgreSQL sent them as a field of the ErrorResponse
_WIRE_FIELDS = ("severity", "code", "message", "detail", "hint", "position", "internalPosition", "internalQuery",
                "where", "schema", "table", "column", "dataType", "constraint", "file", "line", "routine")


def _length(body: dict) -> int:
    """node-postgres' `length`: the size of PostgreSQL's ErrorResponse message (its length word,
    each field's type byte, text and NUL, the final NUL); the non-localised severity (V) is the
    severity again."""
    fields = [str(body[name]) for name in _WIRE_FIELDS if body.get(name) is not None]
    if body.get("severity") is not None:
        fields.append(str(body["severity"]))
    return 4 + sum(len(text.encode()) + 2 for text in fields) + 1


def _formatted(fields: dict, message: str, script: str) -> str:
    """The error as psql prints it, which Studio's SQL editor shows."""
    text = f"{fields.get('severity', 'ERROR')}:  {fields['code'] + ': ' if 'code' in fields else ''}{message}\n"
    if "position" in fields:
        position = int(fields["position"]) - 1
        start = 0
        for number, line in enumerate(script.split("\n"), start=1):
            if start + len(line) > position or start + len(line) >= len(script):
                text += f"LINE {number}: {line}\n" + " " * (5 + len(str(number)) + 2 + position - start) + "^\n"
                break
            start += len(line) + 1
    for key, label in (("detail", "DETAIL"), ("hint", "HINT"), ("internalQuery", "QUERY"), ("where", "CONTEXT")):
        if key in fields:
            text += f"{label}:  {fields[key]}\n"
    return text
