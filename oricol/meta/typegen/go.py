"""Go structs for `supabase gen types go` (postgres-meta's templates/go.ts): per table a Select, Insert
and Update struct, per view and materialized view a Select struct, per composite type a struct; fields in
name order, aligned as the template pads them, tagged with the column's JSON name."""
from __future__ import annotations

from .metadata import Metadata, Row
from .naming import columns_by_relation, in_schemas, pascal_case

GO_TYPES = {
    "bool": "bool",
    "int2": "int16", "int4": "int32", "int8": "int64", "float4": "float32", "float8": "float64",
    "numeric": "float64",
    "bytea": "[]byte",
    **dict.fromkeys(("bpchar", "varchar", "date", "text", "citext", "time", "timetz", "timestamp", "timestamptz",
                     "interval", "uuid", "vector"), "string"),
    "json": "interface{}", "jsonb": "interface{}",
    **dict.fromkeys(("int4range", "int4multirange", "int8range", "int8multirange", "numrange", "nummultirange",
                     "tsrange", "tsmultirange", "tstzrange", "tstzmultirange", "daterange", "datemultirange"),
                    "string"),
    "void": "interface{}",
    "record": "map[string]interface{}",
}
# A nullable scalar is a pointer; slices, maps and interfaces already have nil.
POINTERS = {"string", "bool", "int16", "int32", "int64", "float32", "float64"}


def go_type(pg_type: str, nullable: bool, types: list[Row]) -> str:
    found = GO_TYPES.get(pg_type)
    if any(t["name"] == pg_type and t["enums"] for t in types):
        found = "string"
    if found:
        return "*" + found if nullable and found in POINTERS else found
    if any(t["name"] == pg_type and t["attributes"] for t in types):
        return "map[string]interface{}"  # upstream leaves composite columns untyped
    if pg_type.startswith("_"):
        return "[]" + go_type(pg_type[1:], nullable, types)
    return "interface{}"


def _struct(name: str, fields: list[tuple[str, str, str]]) -> str:
    width_name = max((len(f[0]) for f in fields), default=0)
    width_type = max((len(f[1]) for f in fields), default=0)
    lines = [f'  {go_name.ljust(width_name)} {kind.ljust(width_type)} `json:"{json_name}"`'
             for go_name, kind, json_name in fields]
    return f"type {name} struct {{\n" + "\n".join(lines) + "\n}"


def _nullable(column: Row, operation: str) -> bool:
    if operation == "Insert":
        return bool(column["is_nullable"] or column["is_identity"] or column["is_generated"]
                    or column["default_value"])
    return operation == "Update" or column["is_nullable"]


def _relation_structs(relation: Row, columns: list[Row], types: list[Row], operations: tuple[str, ...]) -> list[str]:
    prefix = pascal_case(relation["schema"]) + pascal_case(relation["name"])
    return [_struct(prefix + operation,
                    [(pascal_case(c["name"]), go_type(c["format"], _nullable(c, operation), types), c["name"])
                     for c in columns])
            for operation in operations]


def _composite_struct(type_row: Row, types: list[Row]) -> str:
    by_id = {t["id"]: t for t in types}
    fields = []
    for attribute in type_row["attributes"]:
        # As upstream: the attribute's type by its display format (`integer`), enums not looked up.
        found = by_id.get(attribute["type_id"])
        fields.append((pascal_case(attribute["name"]), go_type(found["format"] if found else "", False, []),
                       attribute["name"]))
    return _struct(pascal_case(type_row["schema"]) + pascal_case(type_row["name"]), fields)


def generate(meta: Metadata) -> str:
    columns = columns_by_relation(meta.columns)

    def section(relations: list[Row], operations: tuple[str, ...]) -> str:
        return "\n\n".join(struct for relation in in_schemas(relations, meta.schemas)
                           for struct in _relation_structs(relation, columns.get(relation["id"], []), meta.types,
                                                           operations))

    composites = in_schemas([t for t in meta.types if t["attributes"]], meta.schemas)
    sections = [section(meta.tables, ("Select", "Insert", "Update")), section(meta.views, ("Select",)),
                section(meta.materialized_views, ("Select",)),
                "\n\n".join(_composite_struct(t, meta.types) for t in composites)]
    return ("\npackage database\n\n" + "\n\n".join(sections) + "\n").strip()
