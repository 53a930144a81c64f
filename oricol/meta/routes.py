"""The route table of the meta service, in one place (paths relative to /pg), as postgres-meta's.

Ids are digits (a column's id is `<table id>.<ordinal position>`); extensions go by name.
"""
from __future__ import annotations

from starlette.routing import Route

from . import (
    columns,
    extensions,
    functions,
    policies,
    privileges,
    publications,
    query,
    query_tools,
    reads,
    roles,
    schemas,
    tables,
    triggers,
)
from . import groups as g
from .typegen import endpoints as typegen

ID = "{id:int}"


def _read(path: str, group: g.Group, by_id: bool = True) -> list[Route]:
    routes = [Route(path, g.list_endpoint(group), methods=["GET"])]
    if by_id:
        routes.append(Route(f"{path}/{ID}", g.get_endpoint(group), methods=["GET"]))
    return routes


def _writes(path: str, create, update, delete) -> list[Route]:
    return [Route(path, create, methods=["POST"]), Route(f"{path}/{ID}", update, methods=["PATCH"]),
            Route(f"{path}/{ID}", delete, methods=["DELETE"])]


def routes() -> list[Route]:
    return [
        Route("/", reads.root, methods=["GET"]),
        Route("/health", reads.health, methods=["GET"]),
        Route("/config", reads.settings, methods=["GET"]),
        Route("/config/version", reads.version, methods=["GET"]),
        Route("/query", query.run_query, methods=["POST"]),
        Route("/query/format", query_tools.format_query, methods=["POST"]),
        Route("/query/parse", query_tools.parse_query, methods=["POST"]),
        Route("/query/deparse", query_tools.deparse_query, methods=["POST"]),
        Route("/generators/typescript", typegen.typescript_types, methods=["GET"]),
        Route("/generators/go", typegen.go_types, methods=["GET"]),
        Route("/generators/swift", typegen.swift_types, methods=["GET"]),
        Route("/generators/python", typegen.python_types, methods=["GET"]),
        Route("/tables", tables.list_tables, methods=["GET"]),
        Route("/tables", tables.create_table, methods=["POST"]),
        Route(f"/tables/{ID}", tables.get_table, methods=["GET"]),
        Route(f"/tables/{ID}", tables.update_table, methods=["PATCH"]),
        Route(f"/tables/{ID}", tables.delete_table, methods=["DELETE"]),
        Route("/columns", columns.list_columns, methods=["GET"]),
        Route("/columns", columns.create_column, methods=["POST"]),
        Route("/columns/{table_id:int}", columns.first_column_of_table, methods=["GET"]),
        Route("/columns/{table_id:int}.{position:int}", columns.get_column, methods=["GET"]),
        Route("/columns/{table_id:int}.{position:int}", columns.update_column, methods=["PATCH"]),
        Route("/columns/{table_id:int}.{position:int}", columns.delete_column, methods=["DELETE"]),
        Route("/schemas", schemas.list_schemas, methods=["GET"]),
        Route("/schemas", schemas.create_schema, methods=["POST"]),
        Route(f"/schemas/{ID}", schemas.get_schema, methods=["GET"]),
        Route(f"/schemas/{ID}", schemas.update_schema, methods=["PATCH"]),
        Route(f"/schemas/{ID}", schemas.delete_schema, methods=["DELETE"]),
        Route("/policies", policies.list_policies, methods=["GET"]),
        Route("/policies", policies.create_policy, methods=["POST"]),
        Route(f"/policies/{ID}", policies.get_policy, methods=["GET"]),
        Route(f"/policies/{ID}", policies.update_policy, methods=["PATCH"]),
        Route(f"/policies/{ID}", policies.delete_policy, methods=["DELETE"]),
        Route("/extensions", extensions.list_extensions, methods=["GET"]),
        Route("/extensions", extensions.create_extension, methods=["POST"]),
        Route("/extensions/{name}", extensions.get_extension, methods=["GET"]),
        Route("/extensions/{name}", extensions.update_extension, methods=["PATCH"]),
        Route("/extensions/{name}", extensions.delete_extension, methods=["DELETE"]),
        Route("/table-privileges", privileges.list_table_privileges, methods=["GET"]),
        Route("/table-privileges", privileges.grant_table_privileges, methods=["POST"]),
        Route("/table-privileges", privileges.revoke_table_privileges, methods=["DELETE"]),
        Route("/column-privileges", privileges.list_column_privileges, methods=["GET"]),
        Route("/column-privileges", privileges.grant_column_privileges, methods=["POST"]),
        Route("/column-privileges", privileges.revoke_column_privileges, methods=["DELETE"]),
        *_read("/views", g.VIEWS),
        *_read("/materialized-views", g.MATERIALIZED_VIEWS),
        *_read("/foreign-tables", g.FOREIGN_TABLES),
        *_read("/functions", g.FUNCTIONS),
        *_writes("/functions", functions.create_function, functions.update_function, functions.delete_function),
        *_read("/triggers", g.TRIGGERS),
        *_writes("/triggers", triggers.create_trigger, triggers.update_trigger, triggers.delete_trigger),
        *_read("/indexes", g.INDEXES),
        *_read("/roles", g.ROLES),
        *_writes("/roles", roles.create_role, roles.update_role, roles.delete_role),
        *_read("/publications", g.PUBLICATIONS),
        *_writes("/publications", publications.create_publication, publications.update_publication,
                 publications.delete_publication),
        *_read("/types", g.TYPES, by_id=False),
    ]
