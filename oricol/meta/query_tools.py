"""POST /pg/query/format, /query/parse and /query/deparse: the SQL editor's helpers beside /query.

postgres-meta formats with prettier-plugin-sql and parses with libpg_query (pgsql-parser), both in its own
process. Here:
- format lays the SQL out with sqlformat.py (sql-formatter's layout for the common statements) and answers
  the text, as upstream does;
- parse asks PostgreSQL itself: each statement (cut where the server's grammar cuts a script) is sent as a
  Parse message, without executing, on a connection of its own. A grammar error (raised by the scanner or
  the grammar, `scan.l` / `gram.y`) is the answer's 400; anything raised later (an unknown table, say) means
  the statement parsed. The answer lists the statements with libpg_query's `stmt_location` / `stmt_len`
  (byte offsets, omitted when 0) and, where PostgreSQL could analyse a statement, its result columns and
  parameter types — not libpg_query's node tree, which PostgreSQL does not expose;
- deparse takes a libpg_query tree, which we cannot turn back into SQL without libpg_query: refused.
"""
from __future__ import annotations

import asyncpg
from starlette.requests import Request
from starlette.responses import Response

from . import errors, http
from .sqlformat import format_sql
from .sqltokens import statement_spans

GRAMMAR_FILES = {"scan.l", "gram.y", "parser.c", "scan.c", "gram.c"}


async def _query_text(request: Request) -> str:
    body = await http.json_body(request)
    query = body.get("query")
    if not query:
        raise errors.bad_request("query not found")
    if not isinstance(query, str):
        raise errors.invalid("query", "must be string")
    return query


@http.endpoint()
async def format_query(request: Request) -> Response:
    return Response(format_sql(await _query_text(request)), media_type="text/plain; charset=utf-8")


def _described(statement: asyncpg.prepared_stmt.PreparedStatement) -> dict:
    return {"columns": [{"name": a.name, "type": a.type.name} for a in statement.get_attributes()],
            "parameter_types": [t.name for t in statement.get_parameters()]}


async def _parse_one(conn: asyncpg.Connection, text: str) -> dict:
    """Parse (and, for queries, analyse) one statement; nothing runs. Raises a 400 for a grammar error."""
    try:
        async with conn.transaction():  # a savepoint: a failed Parse must not spoil the next statement
            return _described(await conn.prepare(text))
    except asyncpg.PostgresError as error:
        if getattr(error, "server_source_filename", None) in GRAMMAR_FILES:
            raise errors.bad_request(getattr(error, "message", None) or str(error)) from None
        return {"columns": None, "parameter_types": None}  # it parsed; analysis failed (e.g. unknown table)


@http.endpoint()
async def parse_query(request: Request) -> Response:
    script = await _query_text(request)
    encoded_upto = lambda index: len(script[:index].encode())  # noqa: E731 (libpg_query counts bytes)
    db = request.app.state.db
    stmts = []
    async with db.script_connection(db.config.statement_timeout_seconds or None) as conn:
        version = int(await conn.fetchval("select current_setting('server_version_num')"))
        async with conn.transaction():
            for start, end, ended in statement_spans(script):
                entry: dict = {}
                if start:
                    entry["stmt_location"] = encoded_upto(start)
                if ended:
                    entry["stmt_len"] = encoded_upto(end) - encoded_upto(start)
                entry["query"] = script[start:end].strip()
                entry.update(await _parse_one(conn, script[start:end]))
                stmts.append(entry)
    return http.json_response({"stmts": stmts, "version": version})


@http.endpoint()
async def deparse_query(request: Request) -> Response:
    await http.json_body(request)
    raise errors.bad_request("deparse is not supported: it needs libpg_query's parse tree, which /query/parse "
                             "does not produce here")
