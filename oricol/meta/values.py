"""Rows of an SQL-editor script as the JSON postgres-meta sends (node-postgres' value conversion).

Dates, times, numerics and geometric values arrive as PostgreSQL's own text (text codecs on the
script's connection), json is parsed, bigints beyond 2^53 become strings, bytea becomes node's
`{"type": "Buffer", "data": [...]}`. Composite values (row(...)) are sent as arrays, ranges as their
text form.
"""
from __future__ import annotations

import json
from typing import Any

import asyncpg
import orjson

# Types whose Python value differs from what node-postgres hands postgres-meta: read as PostgreSQL text.
TEXT_TYPES = ("numeric", "timestamp", "timestamptz", "date", "time", "timetz", "interval", "money", "inet",
              "cidr", "macaddr", "macaddr8", "bit", "varbit", "tsvector", "tsquery", "point", "line", "lseg", "box",
              "path", "polygon", "circle", "pg_lsn", "xml")
SAFE_INTEGER = 2 ** 53 - 1


async def prepare(conn: asyncpg.Connection) -> None:
    for name in TEXT_TYPES:
        await conn.set_type_codec(name, schema="pg_catalog", encoder=str, decoder=str, format="text")
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, schema="pg_catalog", encoder=json.dumps, decoder=json.loads, format="text")


def _default(value: Any) -> Any:
    if isinstance(value, asyncpg.Range):
        if value.isempty:
            return "empty"
        lower = "" if value.lower is None else _scalar_text(value.lower)
        upper = "" if value.upper is None else _scalar_text(value.upper)
        return f"{'[' if value.lower_inc else '('}{lower},{upper}{']' if value.upper_inc else ')'}"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"type": "Buffer", "data": list(bytes(value))}
    if isinstance(value, tuple):
        return list(value)
    return str(value)


def _scalar_text(value: Any) -> str:
    return str(value)


def _big(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) > SAFE_INTEGER:
        return str(value)
    if isinstance(value, list):
        return [_big(item) for item in value]
    return value


def rows_json(records: list[asyncpg.Record]) -> bytes:
    rows = [{key: _big(value) for key, value in record.items()} for record in records]
    return orjson.dumps(rows, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS)
