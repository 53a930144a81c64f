"""The filter operators as a table: name -> how to build its SQL from a column and a value.

Values always travel as text parameters and are converted to the column's type by PostgreSQL
(`$1::text::<type>`), as PostgREST's untyped literals are; only keywords from this table and type
names from the schema cache are ever written into the statement.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from oricol.sql import Sql, join, param, raw

TEXT_TYPES = {"text", "character varying", "character", "name", "citext"}


@dataclass(frozen=True)
class Operator:
    build: Callable[[Sql, object, str, "str | None", "str | None"], Sql]


# The catalogue names some types without their modifier, and the bare name means a different type
# in a cast: `character` is char(1) (a value 'DZ' would be cut to 'D'), `bit` is bit(1).
UNBOUNDED = {"character": "bpchar", "bit": "varbit"}


def cast_name(pg_type: str) -> str:
    element, array = (pg_type[:-2], "[]") if pg_type.endswith("[]") else (pg_type, "")
    return UNBOUNDED.get(element, element) + array


def typed(value: str, pg_type: str) -> Sql:
    """A text parameter converted to `pg_type` by its input function."""
    if pg_type in ("text", "unknown"):
        return param(value, "text")
    return param(value, "text") + raw(f"::{cast_name(pg_type)}")


def typed_array(values: tuple[str, ...], pg_type: str) -> Sql:
    base = param(list(values), "text[]")
    if pg_type in ("text", "unknown"):
        return base
    element = pg_type[:-2] if pg_type.endswith("[]") else pg_type
    return base + raw(f"::{cast_name(element)}[]")


def _comparison(symbol: str) -> Operator:
    def build(column: Sql, value, pg_type, modifier, language) -> Sql:
        if modifier:
            return column + raw(f" {symbol} {modifier}(") + typed_array(value, pg_type) + raw(")")
        return column + raw(f" {symbol} ") + typed(value, pg_type)
    return Operator(build)


def _pattern(symbol: str, star_is_percent: bool) -> Operator:
    def build(column: Sql, value, pg_type, modifier, language) -> Sql:
        fix = (lambda v: v.replace("*", "%")) if star_is_percent else (lambda v: v)
        lhs = column if pg_type in TEXT_TYPES else raw("(") + column + raw(")::text")
        if modifier:
            return lhs + raw(f" {symbol} {modifier}(") + param([fix(v) for v in value], "text[]") + raw(")")
        return lhs + raw(f" {symbol} ") + param(fix(value), "text")
    return Operator(build)


def _in(column: Sql, value, pg_type, modifier, language) -> Sql:
    return column + raw(" = any(") + typed_array(value, pg_type) + raw(")")


IS_KEYWORDS = {"null": "null", "not_null": "not null", "true": "true", "false": "false", "unknown": "unknown"}


def _is(column: Sql, value, pg_type, modifier, language) -> Sql:
    return column + raw(f" is {IS_KEYWORDS[value]}")


def _isdistinct(column: Sql, value, pg_type, modifier, language) -> Sql:
    return column + raw(" is distinct from ") + typed(value, pg_type)


def _fts(function: str) -> Operator:
    def build(column: Sql, value, pg_type, modifier, language) -> Sql:
        config = (param(language, "text") + raw("::regconfig, ")) if language else raw("")
        vector = column if pg_type == "tsvector" else raw("to_tsvector(") + config + column + raw(")")
        return vector + raw(f" @@ {function}(") + config + param(value, "text") + raw(")")
    return Operator(build)


def _typed_binary(symbol: str) -> Operator:
    def build(column: Sql, value, pg_type, modifier, language) -> Sql:
        return column + raw(f" {symbol} ") + typed(value, pg_type)
    return Operator(build)


OPERATORS: dict[str, Operator] = {
    "eq": _comparison("="), "neq": _comparison("<>"), "gt": _comparison(">"), "gte": _comparison(">="),
    "lt": _comparison("<"), "lte": _comparison("<="),
    "like": _pattern("like", True), "ilike": _pattern("ilike", True),
    "match": _pattern("~", False), "imatch": _pattern("~*", False),
    "in": Operator(_in), "is": Operator(_is), "isdistinct": Operator(_isdistinct),
    "fts": _fts("to_tsquery"), "plfts": _fts("plainto_tsquery"), "phfts": _fts("phraseto_tsquery"),
    "wfts": _fts("websearch_to_tsquery"),
    "cs": _typed_binary("@>"), "cd": _typed_binary("<@"), "ov": _typed_binary("&&"),
    "sl": _typed_binary("<<"), "sr": _typed_binary(">>"), "nxl": _typed_binary("&>"),
    "nxr": _typed_binary("&<"), "adj": _typed_binary("-|-"),
}

QUANTIFIABLE = {"eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "match", "imatch"}


def build(column: Sql, op: str, value, pg_type: str, modifier: str | None, language: str | None,
          negated: bool) -> Sql:
    condition = OPERATORS[op].build(column, value, pg_type, modifier, language)
    return raw("not (") + condition + raw(")") if negated else condition


def conjunction(op: str, parts: list[Sql], negated: bool) -> Sql:
    if not parts:
        body = raw("true" if op == "and" else "false")
    else:
        body = raw("(") + join(f" {op} ", parts) + raw(")")
    return raw("not ") + body if negated else body
