"""Python models for `supabase gen types python` (postgres-meta's templates/python.ts): enums as
`Literal` aliases, per table a pydantic `BaseModel` (the row) and `Insert`/`Update` `TypedDict`s, per view,
materialized view and composite type a `BaseModel`. Fields in name order, aliased to the column names."""
from __future__ import annotations

import json
import re

from .metadata import Metadata, Row
from .naming import columns_by_relation, pascal_case

HEADER = """from __future__ import annotations

import datetime
import uuid
from typing import (
    Annotated,
    Any,
    List,
    Literal,
    NotRequired,
    Optional,
    TypeAlias,
    TypedDict,
)

from pydantic import BaseModel, Field, Json"""

PY_TYPES = {
    "bool": "bool",
    "int2": "int", "int4": "int", "int8": "int", "float4": "float", "float8": "float", "numeric": "float",
    "bytea": "bytes", "bpchar": "str", "varchar": "str", "string": "str", "date": "datetime.date", "text": "str",
    "citext": "str", "time": "datetime.time", "timetz": "datetime.time", "timestamp": "datetime.datetime",
    "timestamptz": "datetime.datetime", "uuid": "uuid.UUID", "vector": "list[Any]", "interval": "str",
    "json": "Json[Any]", "jsonb": "Json[Any]",
    **dict.fromkeys(("int4range", "int4multirange", "int8range", "int8multirange", "numrange", "nummultirange",
                     "tsrange", "tsmultirange", "tstzrange", "tstzmultirange", "daterange", "datemultirange"), "str"),
    "void": "None",
    "record": "dict[str, Any]",
}


def attribute_name(name: str) -> str:
    """`Needs Quote` -> `needs_quote`, as upstream's formatForPyAttributeName."""
    return "_".join(word.lower() for word in re.split(r"[^a-zA-Z0-9]+", name))


def class_name(schema: str, name: str) -> str:
    return pascal_case(schema) + pascal_case(name)


class PythonTypes:
    def __init__(self, meta: Metadata):
        self.meta = meta
        # Keyed by bare type name as upstream: a later schema's type of the same name wins.
        self.types = {t["name"]: t for t in meta.types}
        self.enums = {t["name"]: class_name(t["schema"], t["name"]) for t in meta.types if t["enums"]}
        self.enum_labels = {t["name"]: t["enums"] for t in meta.types if t["enums"]}
        self.columns = columns_by_relation(meta.columns)

    def type_name(self, pg_type: str) -> str:
        if pg_type.startswith("_"):
            return f"List[{self.type_name(pg_type[1:])}]"
        if pg_type in self.enums:
            return self.enums[pg_type]
        if pg_type in PY_TYPES:
            return PY_TYPES[pg_type]
        if pg_type in self.types:
            return class_name(self.types[pg_type]["schema"], pg_type)
        return "Any"

    def model(self, schema: str, name: str, fields: list[tuple[str, str, bool]]) -> str:
        lines = [f"    {attribute_name(field)}: {self._optional(kind, nullable)} = Field(alias={json.dumps(field)})"
                 for field, kind, nullable in fields]
        return f"class {class_name(schema, name)}(BaseModel):\n" + ("\n".join(lines) or "    pass")

    def typed_dict(self, relation: Row, operation: str) -> str:
        lines = []
        for c in self.columns.get(relation["id"], []):
            annotation = f"Annotated[{self._optional(self.type_name(c['format']), c['is_nullable'])}, " \
                         f"Field(alias={json.dumps(c['name'])})]"
            optional = (operation == "Update" or c["is_nullable"] or c["is_identity"]
                        or c["default_value"] is not None)
            lines.append(f"    {attribute_name(c['name'])}: "
                         + (f"NotRequired[{annotation}]" if optional else annotation))
        return (f"class {class_name(relation['schema'], relation['name'])}{operation}(TypedDict):\n"
                + ("\n".join(lines) or "    pass"))

    def relation_model(self, relation: Row) -> str:
        return self.model(relation["schema"], relation["name"],
                          [(c["name"], self.type_name(c["format"]), c["is_nullable"])
                           for c in self.columns.get(relation["id"], [])])

    def composite_model(self, type_row: Row) -> str:
        by_id = {t["id"]: t for t in self.meta.types}
        return self.model(type_row["schema"], type_row["name"],
                          [(a["name"], self.type_name(by_id[a["type_id"]]["name"]) if a["type_id"] in by_id else "Any",
                            False) for a in type_row["attributes"]])

    @staticmethod
    def _optional(kind: str, nullable: bool) -> str:
        return f"Optional[{kind}]" if nullable else kind

    def render(self) -> str:
        schemas = {s["name"] for s in self.meta.schemas}
        enums = [f"{self.enums[name]}: TypeAlias = Literal[{', '.join(json.dumps(v) for v in labels)}]"
                 for name, labels in self.enum_labels.items()]
        tables = [part for table in self.meta.tables for part in
                  (self.relation_model(table), self.typed_dict(table, "Insert"), self.typed_dict(table, "Update"))]
        views = [self.relation_model(view) for view in self.meta.views]
        matviews = [self.relation_model(view) for view in self.meta.materialized_views]
        composites = [self.composite_model(t) for t in self.meta.types if t["attributes"] and t["schema"] in schemas]
        body = "\n\n".join("\n\n".join(part) for part in (enums, tables, views, matviews, composites))
        return (HEADER + "\n\n" + body).strip()


def generate(meta: Metadata) -> str:
    return PythonTypes(meta).render()
