"""postgres_changes bindings as realtime-js sends them, and whether a change matches one.

A filter is `column=op.value` with the operators realtime-js offers; `in` takes `(a,b,c)`. Values are
compared as the column's type (numbers as numbers, booleans as booleans, the rest as text), because
the change arrives from the WAL as text.
"""
from __future__ import annotations

import itertools
import operator
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

EVENTS = ("*", "INSERT", "UPDATE", "DELETE")
_FILTER = re.compile(r"^([^=]+)=(eq|neq|lt|lte|gt|gte|in)\.(.*)$", re.S)
_INTEGER_TYPES = {"int2", "int4", "int8", "oid"}
_DECIMAL_TYPES = {"float4", "float8", "numeric", "money"}

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq, "neq": operator.ne, "lt": operator.lt, "lte": operator.le,
    "gt": operator.gt, "gte": operator.ge,
}

_ids = itertools.count(1)


class BindingError(ValueError):
    """A postgres_changes binding the server cannot honour; the message goes to the client."""


@dataclass(frozen=True)
class Binding:
    id: int
    event: str
    schema: str
    table: str | None
    filter: str | None
    column: str | None = None
    op: str | None = None
    values: tuple[str, ...] = ()
    sent: tuple[tuple[str, Any], ...] = ()  # the binding's fields exactly as the client sent them

    def reply(self) -> dict[str, Any]:
        """The binding as sent plus its id: clients (supabase-py field by field, realtime-js by event,
        schema, table and filter) compare it with what they sent, so defaults filled in here for
        matching (schema `public`, event `*`) must not show."""
        return {**dict(self.sent), "id": self.id}

    def wants(self, schema: str, table: str, event: str) -> bool:
        return (self.event in ("*", event)
                and self.schema in ("*", schema)
                and (self.table is None or self.table in ("*", table)))

    def accepts(self, record: dict[str, str | None] | None, types: dict[str, str]) -> bool:
        """Whether the row (text values by column) passes this binding's filter."""
        if self.column is None:
            return True
        if record is None or self.column not in record:
            return False
        raw = record[self.column]
        if raw is None:
            return False
        kind = types.get(self.column, "text")
        value = _typed(raw, kind)
        if self.op == "in":
            return any(value == _typed(candidate, kind) for candidate in self.values)
        try:
            return OPERATORS[self.op](value, _typed(self.values[0], kind))  # type: ignore[index]
        except TypeError:
            return False


def parse_binding(raw: Any) -> Binding:
    if not isinstance(raw, dict):
        raise BindingError("each postgres_changes binding must be an object")
    event = str(raw.get("event", "*")).upper()
    if event not in EVENTS:
        raise BindingError(f"unknown postgres_changes event {raw.get('event')!r}")
    schema = raw.get("schema") or "public"
    table = raw.get("table")
    text_filter = raw.get("filter")
    if not isinstance(schema, str) or (table is not None and not isinstance(table, str)):
        raise BindingError("schema and table must be strings")
    column = op = None
    values: tuple[str, ...] = ()
    if text_filter is not None:
        if not isinstance(text_filter, str):
            raise BindingError("filter must be a string")
        match = _FILTER.match(text_filter)
        if not match:
            raise BindingError(f"invalid filter {text_filter!r}: expected column=op.value with op one of "
                               "eq, neq, lt, lte, gt, gte, in")
        column, op, value_text = match.groups()
        values = _in_list(value_text) if op == "in" else (value_text,)
    sent = tuple((key, raw[key]) for key in ("event", "schema", "table", "filter") if key in raw)
    return Binding(next(_ids), event, schema, table, text_filter, column, op, values, sent)


def _in_list(text: str) -> tuple[str, ...]:
    inner = text.strip()
    if not (inner.startswith("(") and inner.endswith(")")):
        raise BindingError(f"an in filter takes a list in parentheses, got {text!r}")
    items = [item.strip() for item in inner[1:-1].split(",")]
    return tuple(item[1:-1] if len(item) >= 2 and item[0] == item[-1] == '"' else item for item in items if item)


def _typed(text: str, kind: str) -> Any:
    try:
        if kind in _INTEGER_TYPES:
            return int(text)
        if kind in _DECIMAL_TYPES:
            return Decimal(text)
    except (ValueError, InvalidOperation):
        return text
    if kind == "bool":
        return text.lower() in ("t", "true")
    return text
