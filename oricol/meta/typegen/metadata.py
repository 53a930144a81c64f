"""What the type generators need from the catalogue, read in one go (postgres-meta's generator metadata).

Relations, columns, keys and functions come from the schemas the caller asked for (the system schemas
never); types come from every schema, since a column may use a type defined anywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from oricol import catalogue
from oricol.catalogue import view_keys
from oricol.sql import param

from .. import sqlfiles
from ..listing import SYSTEM_SCHEMAS, SchemaFilter, listing

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
    deps = await view_key_dependencies(db, tuple(s["name"] for s in schema_rows))
    return Metadata(
        schemas=schema_rows,
        tables=await rows("tables"),
        foreign_tables=await rows("foreign_tables"),
        views=await rows("views"),
        materialized_views=await rows("materialized_views"),
        columns=columns,
        relationships=relationships + through_views(relationships, deps),
        functions=[f for f in functions if f["return_type"] not in ("trigger", "event_trigger")],
        types=await rows("types", schema_column=None, table_types=param(True, "bool"),
                         array_types=param(True, "bool")),
    )



async def view_key_dependencies(db, schemas: tuple[str, ...]) -> list[view_keys.KeyDep]:
    async with db.transaction(readonly=True) as conn:
        return await catalogue.view_key_dependencies(conn, schemas)


def through_views(relationships: list[Row], deps: list[view_keys.KeyDep]) -> list[Row]:
    """Foreign keys followed through views, as PostgREST (and our REST layer) infer them from each view's
    query tree: a view showing the key's holding columns (under any name) relates view -> table, one
    showing its referenced columns table -> view, both view -> view. A column shown twice gives one
    relationship per showing. postgres-meta derives the same from the same query trees."""
    by_key: dict[tuple, list[view_keys.KeyDep]] = {}
    for dep in deps:
        by_key.setdefault((dep.table, dep.constraint, dep.kind), []).append(dep)
    derived = []
    for rel in relationships:
        name = rel["foreign_key_name"]
        sources = [(dep.view, dict(choice)) for dep in by_key.get(((rel["schema"], rel["relation"]), name, "f"), [])
                   for choice in dep.column_choices()]
        targets = [(dep.view, dict(choice)) for dep in
                   by_key.get(((rel["referenced_schema"], rel["referenced_relation"]), name, "f_ref"), [])
                   for choice in dep.column_choices()]
        for (schema, view), shown in sources:
            derived.append({**rel, "schema": schema, "relation": view,
                            "columns": [shown[c] for c in rel["columns"]]})
        for (schema, view), shown in targets:
            derived.append({**rel, "referenced_schema": schema, "referenced_relation": view,
                            "referenced_columns": [shown[c] for c in rel["referenced_columns"]]})
        for (schema, view), shown in sources:
            for (ref_schema, ref_view), ref_shown in targets:
                derived.append({**rel, "schema": schema, "relation": view,
                                "columns": [shown[c] for c in rel["columns"]],
                                "referenced_schema": ref_schema, "referenced_relation": ref_view,
                                "referenced_columns": [ref_shown[c] for c in rel["referenced_columns"]]})
    return derived
