"""A change as realtime-js and supabase-py expect it in a `postgres_changes` push.

Values arrive from the WAL as PostgreSQL's text output; numbers, booleans and JSON are turned into
JSON values here (as Supabase's own JSON output has them), the rest stay text for the clients'
type converters.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

_INTEGERS = {"int2", "int4", "int8", "oid"}
_FLOATS = {"float4", "float8", "numeric"}


def client_data(change: dict[str, Any], visible: frozenset[str] | None = None) -> dict[str, Any]:
    """`visible`: the only columns the subscriber may see (column-level grants); None for all."""
    columns = change["columns"] if visible is None else [c for c in change["columns"] if c["name"] in visible]
    types = {c["name"]: c["type"] for c in columns}
    data: dict[str, Any] = {
        "schema": change["schema"], "table": change["table"], "commit_timestamp": change["commit_timestamp"],
        "type": change["type"], "columns": columns, "errors": None,
    }
    if change["type"] in ("INSERT", "UPDATE"):
        data["record"] = _typed_row(change["record"], types)
    if change["type"] in ("UPDATE", "DELETE"):
        old = change["old"] or {}
        if change["type"] == "DELETE" and change["rls"]:
            old = {name: value for name, value in old.items() if name in change["key"]}
        data["old_record"] = _typed_row(old, types)
    return data


def _typed_row(row: dict[str, str | None] | None, types: dict[str, str]) -> dict[str, Any]:
    """The row's columns that are in `types` (those the subscriber may see), as JSON values."""
    return {name: _typed(value, types[name]) for name, value in (row or {}).items() if name in types}


def _typed(text: str | None, kind: str) -> Any:
    if text is None:
        return None
    if kind == "bool":
        return text == "t"
    if kind in _INTEGERS:
        return int(text)
    if kind in _FLOATS:
        return _number(text)
    if kind in ("json", "jsonb"):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            return text
    return text


def _number(text: str) -> Any:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text  # NaN / Infinity have no JSON form
    if not number.is_finite():
        return text
    return int(number) if number == number.to_integral_value() and "." not in text and "e" not in text.lower() \
        else float(number)
