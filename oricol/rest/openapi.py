"""GET /rest/v1/: an OpenAPI 2.0 description of the exposed tables, columns and functions, shaped
like PostgREST's (Supabase's API docs page and code generators read it)."""
from __future__ import annotations

import orjson

from . import errors
from .context import Context
from .response import Response
from .schema_cache import Column, Function, Table

TYPE_MAP = {"integer": "integer", "bigint": "integer", "smallint": "integer", "numeric": "number",
            "real": "number", "double precision": "number", "boolean": "boolean", "json": "object",
            "jsonb": "object"}


def _property(column: Column, pk: bool) -> dict:
    prop: dict = {"format": column.full_type, "type": TYPE_MAP.get(column.type, "array" if column.type.endswith(
        "[]") else "string")}
    if column.default is not None:
        prop["default"] = column.default
    if column.enum:
        prop["enum"] = list(column.enum)
    description = column.description or ""
    if pk:
        description = (description + "\n\n" if description else "") + "Note:\nThis is a Primary Key.<pk/>"
    if description:
        prop["description"] = description
    return prop


def _definition(table: Table) -> dict:
    definition = {"type": "object", "properties": {
        name: _property(col, name in table.pk) for name, col in table.columns.items()}}
    required = [name for name, col in table.columns.items() if not col.nullable and not col.has_default]
    if required:
        definition["required"] = required
    if table.description:
        definition["description"] = table.description
    return definition


def _table_path(table: Table) -> dict:
    ref = {"$ref": f"#/definitions/{table.name}"}
    operations = {"get": {"tags": [table.name], "summary": table.description,
                          "responses": {"200": {"description": "OK", "schema": {"type": "array", "items": ref}},
                                        "206": {"description": "Partial Content"}}}}
    if table.insertable:
        for verb, status in (("post", "201"), ("patch", "204"), ("delete", "204")):
            operations[verb] = {"tags": [table.name], "responses": {status: {"description": "OK"}}}
    return {k: {kk: vv for kk, vv in v.items() if vv is not None} for k, v in operations.items()}


def _function_path(function: Function) -> dict:
    properties = {a.name: {"format": a.type, "type": TYPE_MAP.get(a.type, "string")} for a in function.inputs if a.name}
    body = {"in": "body", "name": "args", "required": True,
            "schema": {"type": "object", "properties": properties,
                       "required": [a.name for a in function.inputs if a.name and not a.has_default]}}
    operations = {"post": {"tags": ["(rpc) " + function.name], "parameters": [body],
                           "responses": {"200": {"description": "OK"}}}}
    if function.volatility in ("s", "i"):
        operations["get"] = {"tags": ["(rpc) " + function.name], "parameters": [
            {"in": "query", "name": name, "type": prop["type"], "format": prop["format"], "required": False}
            for name, prop in properties.items()], "responses": {"200": {"description": "OK"}}}
    if function.description:
        for operation in operations.values():
            operation["summary"] = function.description
    return operations


async def describe(ctx: Context) -> Response:
    if not ctx.config.openapi_enabled:
        raise errors.error(404, errors.OPENAPI_DISABLED, "Open API has been disabled")
    schema = ctx.request.schema
    tables = sorted((t for (s, _), t in ctx.cache.tables.items() if s == schema), key=lambda t: t.name)
    functions = sorted((f for (s, _), fs in ctx.cache.functions.items() if s == schema for f in fs),
                       key=lambda f: f.name)
    paths: dict = {"/": {"get": {"tags": ["Introspection"], "summary": "OpenAPI description (this document)",
                                 "produces": ["application/openapi+json", "application/json"],
                                 "responses": {"200": {"description": "OK"}}}}}
    for table in tables:
        paths[f"/{table.name}"] = _table_path(table)
    for function in functions:
        paths[f"/rpc/{function.name}"] = _function_path(function)
    document = {
        "swagger": "2.0",
        "info": {"title": "Oricol REST API", "description": "PostgREST-compatible API", "version": "12.2.0"},
        "host": ctx.request.headers.get("host", ""),
        "basePath": "/rest/v1",
        "schemes": ["http", "https"],
        "consumes": ["application/json", "application/vnd.pgrst.object+json", "text/csv"],
        "produces": ["application/json", "application/vnd.pgrst.object+json", "text/csv"],
        "paths": paths,
        "definitions": {t.name: _definition(t) for t in tables},
    }
    body = b"" if ctx.request.method == "HEAD" else orjson.dumps(document)
    return Response(200, body, content_type="application/openapi+json; charset=utf-8")
