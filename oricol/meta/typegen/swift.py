"""Swift types for `supabase gen types swift` (postgres-meta's templates/swift.ts): per schema an enum
namespace holding its enums, a Select/Insert/Update struct per table, a Select struct per view, a struct
per composite type; each struct Codable with CodingKeys back to the column names."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .metadata import Metadata, Row
from .naming import pascal_case, sort_key

ACCESS_CONTROLS = ("internal", "public", "private", "package")
KEYWORDS = ("in", "default", "case")
STRINGS = ("bytea", "bpchar", "varchar", "date", "text", "citext", "time", "timetz", "timestamp", "timestamptz",
           "interval", "vector")
SCALARS = {"bool": "Bool", "int2": "Int16", "int4": "Int32", "int8": "Int64", "float4": "Float", "float8": "Double",
           "numeric": "Decimal", "decimal": "Decimal", "uuid": "UUID", "json": "AnyJSON", "jsonb": "AnyJSON",
           "void": "Void", "record": "JSONObject", **dict.fromkeys(STRINGS, "String")}


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def type_name(name: str) -> str:
    """`pokemon_center` -> `PokemonCenter`, keeping one leading underscore (`_key_id` -> `_KeyId`)."""
    prefix, rest = ("_", name[1:]) if name.startswith("_") else ("", name)
    return prefix + pascal_case(rest, r"[^a-zA-Z0-9]+")


def property_name(name: str) -> str:
    """`pokemon_center` -> `pokemonCenter`; Swift keywords upstream knows of are back-quoted."""
    words = [word.lower() for word in re.split(r"[^a-zA-Z0-9]", name)]
    joined = "".join(word if index == 0 else word[:1].upper() + word[1:] for index, word in enumerate(words))
    return f"`{joined}`" if joined in KEYWORDS else joined


@dataclass
class Attribute:
    name: str
    kind: str
    raw_name: str
    is_identity: bool = False


@dataclass
class Struct:
    name: str
    attributes: list[Attribute]
    conformances: list[str] = field(default_factory=lambda: ["Codable", "Hashable", "Sendable"])


class SwiftTypes:
    def __init__(self, meta: Metadata, access: str):
        self.meta, self.access = meta, access
        relations = [*meta.tables, *meta.foreign_tables, *meta.views, *meta.materialized_views]
        self.columns: dict[int, list[Row]] = {r["id"]: [] for r in relations}
        for column in sorted(meta.columns, key=lambda c: sort_key(c["name"])):
            if column["table_id"] in self.columns:
                self.columns[column["table_id"]].append(column)

    def swift_type(self, pg_type: str, nullable: bool) -> str:
        if pg_type in SCALARS:
            found = SCALARS[pg_type]
        elif pg_type.startswith("_"):
            found = f"[{self.swift_type(pg_type[1:], False)}]"
        elif any(t["name"] == pg_type and t["enums"] for t in self.meta.types):
            found = type_name(pg_type)
        elif any(r["name"] == pg_type for r in [*self.meta.types, *self.meta.views, *self.meta.tables]):
            found = type_name(pg_type) + "Select"  # the row struct generated for it
        else:
            found = "AnyJSON"
        return found + ("?" if nullable else "")

    def relation_struct(self, relation: Row, operation: str) -> Struct:
        attributes = []
        for c in self.columns.get(relation["id"], []):
            if operation == "Insert":
                nullable = bool(c["is_nullable"] or c["is_identity"] or c["is_generated"] or c["default_value"])
            else:
                nullable = operation == "Update" or c["is_nullable"]
            attributes.append(Attribute(property_name(c["name"]), self.swift_type(c["format"], nullable), c["name"],
                                        c["is_identity"]))
        return Struct(type_name(relation["name"]) + operation, attributes)

    def composite_struct(self, type_row: Row) -> Struct:
        by_id = {t["id"]: t for t in self.meta.types}
        return Struct(type_name(type_row["name"]), [
            Attribute(type_name(a["name"]),
                      self.swift_type(by_id[a["type_id"]]["format"] if a["type_id"] in by_id else "", False),
                      a["name"]) for a in type_row["attributes"]])

    def enum(self, name: str, conformances: list[str], cases: list[tuple[str, str]], level: int) -> list[str]:
        pad = "  " * level
        return [f"{pad}{self.access} enum {name}: {', '.join(conformances)} {{",
                *(f"{pad}  case {case} = {_string(raw)}" for case, raw in cases), f"{pad}}}"]

    def struct(self, struct: Struct, level: int = 1) -> list[str]:
        pad, access = "  " * level, self.access
        identity = next((a for a in struct.attributes if a.is_identity), None)
        conformances = struct.conformances + (["Identifiable"] if identity else [])
        lines = [f"{pad}{access} struct {struct.name}: {', '.join(conformances)} {{"]
        if identity and identity.name != "id":
            lines.append(f"{pad}  {access} var id: {identity.kind} {{ {identity.name} }}")
        lines += [f"{pad}  {access} let {a.name}: {a.kind}" for a in struct.attributes]
        if struct.attributes:
            lines += self.enum("CodingKeys", ["String", "CodingKey"],
                               [(a.name, a.raw_name) for a in struct.attributes], level + 1)
        return lines + [f"{pad}}}"]

    def schema(self, schema: str) -> list[str]:
        by_name = lambda row: sort_key(row["name"])  # noqa: E731
        tables = sorted((r for r in [*self.meta.tables, *self.meta.foreign_tables] if r["schema"] == schema), key=by_name)
        views = sorted((r for r in [*self.meta.views, *self.meta.materialized_views] if r["schema"] == schema),
                       key=by_name)
        enums = sorted((t for t in self.meta.types if t["schema"] == schema and t["enums"]), key=by_name)
        composites = sorted((t for t in self.meta.types if t["schema"] == schema and t["attributes"]), key=by_name)
        lines = [f"{self.access} enum {type_name(schema)}Schema {{"]
        for enum in enums:
            lines += self.enum(type_name(enum["name"]), ["String", "Codable", "Hashable", "Sendable"],
                               [(property_name(label), label) for label in enum["enums"]], 1)
        for table in tables:
            for operation in ("Select", "Insert", "Update"):
                lines += self.struct(self.relation_struct(table, operation))
        for view in views:
            lines += self.struct(self.relation_struct(view, "Select"))
        for composite in composites:
            lines += self.struct(self.composite_struct(composite))
        return lines + ["}"]

    def render(self) -> str:
        lines = ["import Foundation", "import Supabase", ""]
        for schema in sorted((s["name"] for s in self.meta.schemas), key=sort_key):
            lines += self.schema(schema)
        return "\n".join(lines)


def generate(meta: Metadata, access_control: str = "internal") -> str:
    return SwiftTypes(meta, access_control).render()
