"""The read-only endpoint groups of postgres-meta, as a table rather than a handler each.

A `Group` names its catalogue query, its order, which filters it takes and how a missing object is
worded; `list_endpoint` and `get_endpoint` turn it into Starlette handlers. Writes live in a module per
group (tables, columns, schemas, policies, extensions, functions, triggers, roles, publications) that
reuses these pieces to read the object before and after.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from starlette.requests import Request
from starlette.responses import Response

from oricol.sql import Sql, param, raw

from . import errors, http, sqlfiles
from .listing import Page, SchemaFilter, equals, listing, single
from .relations import columns_of

Slots = Callable[[Request], dict[str, Sql]]


@dataclass(frozen=True)
class Group:
    sql: str
    order: str  # output columns, quoted where they are keywords
    noun: str  # as in postgres-meta's "Cannot find a view with ID 1"
    schema_column: str | None = "schema"  # None: the group takes no schema filters
    system_by_default: bool = True  # hide information_schema, pg_catalog, pg_toast unless asked
    columns_by_default: bool | None = None  # None: rows carry no columns array
    slots: Slots = field(default=lambda request: {})
    extra_where: Callable[[Request], list[Sql | None]] = field(default=lambda request: [])

    def source(self, request: Request) -> Sql:
        return sqlfiles.query(self.sql, **self.slots(request))

    def with_columns(self, source: Sql, request: Request | None, column_where: list[Sql | None]) -> Sql:
        if self.columns_by_default is None:
            return source
        wanted = True if request is None else http.flag(request, "include_columns", self.columns_by_default)
        return columns_of(source, column_where) if wanted else source


def _schema_filter(group: Group, request: Request) -> SchemaFilter | None:
    if group.schema_column is None:
        return None
    return SchemaFilter.from_request(request, system_by_default=group.system_by_default)


def list_query(group: Group, request: Request) -> Sql:
    schemas = _schema_filter(group, request)
    where = [schemas.condition(group.schema_column) if schemas and group.schema_column is not None else None,
             *group.extra_where(request)]
    column_where = [schemas.condition("schema") if schemas else None]
    source = group.with_columns(group.source(request), request, column_where)
    return listing(source, where=where, order=group.order, page=Page.from_request(request))


def by_id_query(group: Group, object_id: int, request: Request | None = None) -> Sql:
    source = group.source(request) if request is not None else sqlfiles.query(group.sql)
    source = group.with_columns(source, None, [equals("table_id", object_id, "int8")])
    return single(source, where=[equals("id", object_id, "int8")])


def list_endpoint(group: Group):
    @http.endpoint(listing=True)
    async def handler(request: Request) -> Response:
        db = request.app.state.db
        return http.raw_json(await db.read_json(list_query(group, request)))

    return handler


def get_endpoint(group: Group):
    @http.endpoint()
    async def handler(request: Request) -> Response:
        object_id = http.numeric_id(request)
        found = await request.app.state.db.read_json(by_id_query(group, object_id, request))
        if found is None:
            raise errors.not_found(f"Cannot find {group.noun} with ID {object_id}")
        return http.raw_json(found)

    return handler


def _types_slots(request: Request) -> dict[str, Sql]:
    return {"table_types": param(http.flag(request, "include_table_types"), "bool"),
            "array_types": param(http.flag(request, "include_array_types"), "bool")}


def _without_default_roles(request: Request) -> list[Sql | None]:
    # Predefined roles (pg_read_all_data, ...) all start with pg_, a prefix PostgreSQL reserves.
    return [] if http.flag(request, "include_default_roles") else [raw("not starts_with(x.name, 'pg_')")]


VIEWS = Group("views", '"schema", "name"', "a view", columns_by_default=True)
MATERIALIZED_VIEWS = Group("materialized_views", '"schema", "name"', "a materialized view",
                           system_by_default=False, columns_by_default=False)
FOREIGN_TABLES = Group("foreign_tables", '"schema", "name"', "a foreign table", system_by_default=False,
                       columns_by_default=True)
FUNCTIONS = Group("functions", '"schema", "name", "id"', "a function")
TRIGGERS = Group("triggers", '"schema", "table", "name"', "a trigger")
INDEXES = Group("indexes", '"schema", "id"', "a index")
TYPES = Group("types", '"schema", "name"', "a type", slots=_types_slots)
ROLES = Group("roles", '"name"', "a role", schema_column=None, extra_where=_without_default_roles)
PUBLICATIONS = Group("publications", '"name"', "a publication", schema_column=None)
CONFIG = Group("config", '"category", "name"', "a setting", schema_column=None)
