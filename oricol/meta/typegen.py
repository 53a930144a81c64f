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
    return Metadata(
        schemas=schema_rows,
        tables=await rows("tables"),
        foreign_tables=await rows("foreign_tables"),
        views=await rows("views"),
        materialized_views=await rows("materialized_views"),
        columns=await rows("columns", order='"schema", "table", "ordinal_position"'),
        relationships=await rows("relationships", order='"schema", "relation", "foreign_key_name"'),
        functions=[f for f in functions if f["return_type"] not in ("trigger", "event_trigger")],
        types=await rows("types", schema_column=None, table_types=param(True, "bool"),
                         array_types=param(True, "bool")),
    )
