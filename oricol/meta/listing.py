"""Listing and fetching catalogue rows the way postgres-meta filters them, as JSON built by PostgreSQL.

Each catalogue query (sql/*.sql) yields rows whose columns are exactly the JSON keys postgres-meta
answers with; filters apply to those columns from outside, so the queries stay plain SELECTs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from starlette.requests import Request

from oricol.sql import Sql, join, param, raw

from . import http

# postgres-meta hides these unless include_system_schemas=true.
SYSTEM_SCHEMAS = ("information_schema", "pg_catalog", "pg_toast")


@dataclass(frozen=True)
class SchemaFilter:
    """included_schemas wins over excluded_schemas; the system schemas are excluded by default."""

    included: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    @classmethod
    def from_request(cls, request: Request, *, system_by_default: bool = True) -> "SchemaFilter":
        include_system = http.flag(request, "include_system_schemas")
        excluded = http.name_list(request, "excluded_schemas") or ()
        if system_by_default and not include_system:
            excluded = SYSTEM_SCHEMAS + excluded
        return cls(included=http.name_list(request, "included_schemas") or (), excluded=excluded)

    def condition(self, column: str) -> Sql | None:
        if self.included:
            return raw(f"x.{column} = any(") + param(list(self.included), "text[]") + raw(")")
        if self.excluded:
            return raw(f"x.{column} <> all(") + param(list(self.excluded), "text[]") + raw(")")
        return None


@dataclass(frozen=True)
class Page:
    limit: int | None = None
    offset: int | None = None

    @classmethod
    def from_request(cls, request: Request) -> "Page":
        return cls(limit=http.integer(request, "limit"), offset=http.integer(request, "offset"))


def equals(column: str, value: object, cast: str) -> Sql:
    return raw(f"x.{column} = ") + param(value, cast)


def filtered(source: Sql, where: Sequence[Sql | None]) -> Sql:
    conditions = [condition for condition in where if condition is not None]
    fragment = raw("select * from (") + source + raw(") x")
    if conditions:
        fragment = fragment + raw(" where ") + join(" and ", conditions)
    return fragment


def listing(source: Sql, *, where: Sequence[Sql | None], order: str, page: Page = Page()) -> Sql:
    """One JSON array of the matching rows, in `order` (a trusted list of output columns)."""
    inner = filtered(source, where) + raw(f" order by {order}")
    if page.limit:
        inner = inner + raw(" limit ") + param(page.limit, "int8")
    if page.offset:
        inner = inner + raw(" offset ") + param(page.offset, "int8")
    return raw(f"select coalesce(json_agg(x order by {order}), '[]')::text from (") + inner + raw(") x")


def single(source: Sql, *, where: Sequence[Sql | None]) -> Sql:
    """One JSON object, or no row at all."""
    return raw("select row_to_json(x)::text from (") + filtered(source, where) + raw(") x limit 1")
