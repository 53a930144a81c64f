"""What the type generators need from the catalogue, read in one go (postgres-meta's generator metadata).

Relations, columns, keys and functions come from the schemas the caller asked for (the system schemas
never); types come from every schema, since a column may use a type defined anywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from oricol.sql import param

from . import sqlfiles
from .catalog import SYSTEM_SCHEMAS, SchemaFilter, listing

Row = dict[str, Any]


@dataclass
class Metadata:
    schemas: list[Row]
    tables: list[Row]
    foreign_tables: list[Row]
    views: list[Row]
    materialized_views: list[Row]
    columns: list[Row]
    relationships: list[Row]
    functions: list[Row]
    types: list[Row]


def schema_filter(included: tuple[str, ...], excluded: tuple[str, ...]) -> SchemaFilter:
    # As postgres-meta's generator: names are trimmed, empty lists mean "not given".
    included = tuple(name.strip() for name in included if name.strip())
    excluded = tuple(name.strip() for name in excluded if name.strip())
    return SchemaFilter(included=included, excluded=SYSTEM_SCHEMAS + excluded)


async def read_metadata(db, schemas: SchemaFilter) -> Metadata:
    async def rows(name: str, schema_column: str | None = "schema", order: str = '"schema", "name"',
                   **slots) -> list[Row]:
        where = [schemas.condition(schema_column)] if schema_column else []
        if not schema_column:  # the types: every schema
            where = []
        text = await db.read_json(listing(sqlfiles.query(name, **slots), where=where, order=order))
        return orjson.loads(text)

    schema_rows = await rows("schemas", schema_column="name", order='"name"')
    # An explicit exclusion wins even over an inclusion, as upstream filters the schema list again.
    schema_rows = [s for s in schema_rows if s["name"] not in schemas.excluded
                   and (not schemas.included or s["name"] in schemas.included)]
    functions = await rows("functions", order='"schema", "name", "id"')
    columns = await rows("columns", order='"schema", "table", "ordinal_position"')
    relationships = await rows("relationships", order='"schema", "relation", "foreign_key_name"')
    usages = await rows("view_key_usage", schema_column="view_schema",
                        order='"view_schema", "view_name", "table_schema", "table_name"')
    return Metadata(
        schemas=schema_rows,
        tables=await rows("tables"),
        foreign_tables=await rows("foreign_tables"),
        views=await rows("views"),
        materialized_views=await rows("materialized_views"),
        columns=columns,
        relationships=relationships + through_views(relationships, usages, columns),
        functions=[f for f in functions if f["return_type"] not in ("trigger", "event_trigger")],
        types=await rows("types", schema_column=None, table_types=param(True, "bool"),
                         array_types=param(True, "bool")),
    )


def through_views(relationships: list[Row], usages: list[Row], columns: list[Row]) -> list[Row]:
    """Foreign keys followed through views: a view exposing a key's columns (under the same names) of
    the referencing table, of the referenced table, or both, relates as that table would. postgres-meta
    does the same from the views' rewrite rules; here the rule is the REST layer's, so the types describe
    the embeddings our REST actually serves."""
    exposed: dict[tuple[str, str], set[str]] = {}
    for column in columns:
        exposed.setdefault((column["schema"], column["table"]), set()).add(column["name"])

    def views_keeping(schema: str, table: str, key: list[str]) -> list[tuple[str, str]]:
        return [(u["view_schema"], u["view_name"]) for u in usages
                if (u["table_schema"], u["table_name"]) == (schema, table)
                and set(key) <= set(u["columns"]) & exposed.get((u["view_schema"], u["view_name"]), set())]

    derived = []
    for rel in relationships:
        sources = views_keeping(rel["schema"], rel["relation"], rel["columns"])
        targets = views_keeping(rel["referenced_schema"], rel["referenced_relation"], rel["referenced_columns"])
        for schema, view in sources:
            derived.append({**rel, "schema": schema, "relation": view})
        for schema, view in targets:
            derived.append({**rel, "referenced_schema": schema, "referenced_relation": view})
        for source_schema, source in sources:
            for target_schema, target in targets:
                derived.append({**rel, "schema": source_schema, "relation": source,
                                "referenced_schema": target_schema, "referenced_relation": target})
    return derived
