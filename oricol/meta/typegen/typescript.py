"""The TypeScript types of a database, as postgres-meta's generator writes them (`supabase gen types
typescript`): a `Database` type with each schema's Tables (Row / Insert / Update / Relationships), Views,
Functions (Args / Returns), Enums and CompositeTypes, the helper types supabase-js apps import, and the
enum values as `Constants`.

The output is built as text from small pieces (`_block` indents them), formatted like prettier's output
of upstream's template (two spaces, no semicolons, double quotes), so a diff against
`supabase gen types` output is about content, not layout.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable

from .metadata import Metadata, Row
from .naming import sort_key as _sort_key

DEFAULT_SCHEMA = "public"
DEFAULT_POSTGREST_VERSION = "12"
NEVER_KEYS = "[_ in never]: never"
# json, jsonb, text: the only types PostgREST accepts for a function's single unnamed argument.
UNNAMED_ARG_TYPES = {114, 3802, 25}
INPUT_MODES = {"in", "inout", "variadic"}

_NUMBER = {"int2", "int4", "int8", "float4", "float8", "numeric"}
_STRING = {"bytea", "bpchar", "varchar", "date", "text", "citext", "time", "timetz", "timestamp",
           "timestamptz", "uuid", "vector", "interval"}
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def _q(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _key(name: str) -> str:
    return name if _IDENTIFIER.match(name) else _q(name)


def _indent(text: str, by: str = "  ") -> str:
    return "\n".join(by + line if line else line for line in text.split("\n"))


def _block(entries: Iterable[str], empty: str = "") -> str:
    entries = list(entries)
    if not entries:
        return "{\n" + _indent(empty) + "\n}" if empty else "{}"
    return "{\n" + "\n".join(_indent(entry) for entry in entries) + "\n}"


def _array(items: list[str]) -> str:
    if not items:
        return "[]"
    return "[\n" + "\n".join(_indent(item) + "," for item in items) + "\n]"


def _nullable(ts_type: str, nullable: bool) -> str:
    # unknown and any already include null.
    return ts_type if ts_type in ("unknown", "any") or not nullable else f"{ts_type} | null"


class Generator:
    def __init__(self, meta: Metadata, *, one_to_one: bool, postgrest_version: str | None):
        self.meta = meta
        self.one_to_one = one_to_one
        self.postgrest_version = postgrest_version or DEFAULT_POSTGREST_VERSION
        self.schema_names = {s["name"] for s in meta.schemas}
        self.types_by_id = {t["id"]: t for t in meta.types}
        self.relation_types = {t["id"]: t for t in meta.types if t["type_relation_id"]}
        relations = meta.tables + meta.foreign_tables + meta.views + meta.materialized_views
        self.relation_names = {r["id"]: r["name"] for r in relations}
        self.columns: dict[int, list[Row]] = {r["id"]: [] for r in relations}
        for column in meta.columns:
            if column["table_id"] in self.columns:
                self.columns[column["table_id"]].append(column)
        for columns in self.columns.values():
            columns.sort(key=lambda c: _sort_key(c["name"]))
        self.relationships: dict[tuple[str, str], list[Row]] = {}
        ordered = sorted(meta.relationships, key=lambda r: (_sort_key(r["foreign_key_name"]),
                                                            _sort_key(r["referenced_relation"]),
                                                            json.dumps(r["referenced_columns"])))
        for rel in ordered:
            self.relationships.setdefault((rel["schema"], rel["relation"]), []).append(rel)
        self.by_schema = {name: self._schema_objects(name) for name in self.schema_names}

    # -- grouping --------------------------------------------------------------------------------

    def _schema_objects(self, schema: str) -> dict[str, list]:
        meta = self.meta
        tables = [t for t in meta.tables + meta.foreign_tables if t["schema"] == schema]
        views = [v for v in meta.views if v["schema"] == schema]
        views += [{**m, "is_updatable": False} for m in meta.materialized_views if m["schema"] == schema]
        functions = []
        for fn in meta.functions:
            if fn["schema"] != schema:
                continue
            fn = {**fn, "args": sorted(fn["args"], key=lambda a: _sort_key(a["name"]))}
            in_args = [a for a in fn["args"] if a["mode"] in INPUT_MODES]
            if self._callable(fn, in_args):
                functions.append((fn, in_args))
        by_name = lambda row: _sort_key(row["name"])  # noqa: E731
        return {
            "tables": sorted(tables, key=by_name),
            "views": sorted(views, key=by_name),
            "functions": sorted(functions, key=lambda pair: _sort_key(pair[0]["name"])),
            "enums": sorted((t for t in meta.types if t["schema"] == schema and t["enums"]), key=by_name),
            "composites": sorted((t for t in meta.types if t["schema"] == schema and t["attributes"]),
                                 key=by_name),
        }

    def _callable(self, fn: Row, in_args: list[Row]) -> bool:
        """Whether PostgREST can call the function at all (upstream's four cases)."""
        unnamed = [a for a in in_args if a["name"] == ""]
        if not in_args or not unnamed:
            return True
        if all(a["has_default"] and a["type_id"] in UNNAMED_ARG_TYPES for a in unnamed):
            return True
        if len(in_args) == 1:
            only = in_args[0]
            return only["type_id"] in UNNAMED_ARG_TYPES or only["type_id"] in self.relation_types
        return False

    def _relations_of(self, schema: str, name: str) -> list[Row]:
        return [r for r in self.relationships.get((schema, name), []) if r["referenced_schema"] == schema]

    # -- types -----------------------------------------------------------------------------------

    def ts_type(self, schema: str, pg_type: str) -> str:
        if pg_type == "bool":
            return "boolean"
        if pg_type in _NUMBER:
            return "number"
        if pg_type in _STRING:
            return "string"
        if pg_type in ("json", "jsonb"):
            return "Json"
        if pg_type == "void":
            return "undefined"
        if pg_type == "record":
            return "Record<string, unknown>"
        if pg_type.startswith("_"):
            element = self.ts_type(schema, pg_type[1:])
            # Parentheses only where needed (a union), as prettier leaves them.
            return f"({element})[]" if " | " in element else f"{element}[]"
        enum = self._named(schema, [t for t in self.meta.types if t["name"] == pg_type and t["enums"]])
        if enum:
            if enum["schema"] in self.schema_names:
                return f"Database[{_q(enum['schema'])}][\"Enums\"][{_q(enum['name'])}]"
            return " | ".join(_q(v) for v in enum["enums"])
        for kind, rows in (("CompositeTypes", [t for t in self.meta.types
                                               if t["name"] == pg_type and t["attributes"]]),
                           ("Tables", [t for t in self.meta.tables if t["name"] == pg_type]),
                           ("Views", [v for v in self.meta.views if v["name"] == pg_type])):
            found = self._named(schema, rows)
            if found:
                if found["schema"] not in self.schema_names:
                    return "unknown"
                row = "" if kind == "CompositeTypes" else '["Row"]'
                return f"Database[{_q(found['schema'])}][\"{kind}\"][{_q(found['name'])}]{row}"
        return "unknown"

    @staticmethod
    def _named(schema: str, candidates: list[Row]) -> Row | None:
        # The schema's own type of that name, else the first one found.
        return next((c for c in candidates if c["schema"] == schema), candidates[0] if candidates else None)

    def _type_of_id(self, schema: str, type_id: int) -> str:
        found = self.types_by_id.get(type_id)
        return self.ts_type(schema, found["name"]) if found else "unknown"

    def _column(self, schema: str, column: Row, *, optional: bool, nullable: bool) -> str:
        ts = _nullable(self.ts_type(schema, column["format"]), nullable)
        return f"{_key(column['name'])}{'?' if optional else ''}: {ts}"

    # -- tables and views ------------------------------------------------------------------------

    def _relationship(self, rel: Row) -> str:
        entries = [f"foreignKeyName: {_q(rel['foreign_key_name'])}", f"columns: {_q(rel['columns'])}"]
        if self.one_to_one:
            entries.append(f"isOneToOne: {'true' if rel['is_one_to_one'] else 'false'}")
        entries += [f"referencedRelation: {_q(rel['referenced_relation'])}",
                    f"referencedColumns: {_q(rel['referenced_columns'])}"]
        return _block(entries)

    def _row(self, schema: str, relation: Row) -> str:
        entries = [self._column(schema, c, optional=False, nullable=c["is_nullable"])
                   for c in self.columns[relation["id"]]]
        # Computed fields: functions taking the row, selectable like a column.
        for fn, _ in self.by_schema[schema]["functions"]:
            if fn["argument_types"] == relation["name"]:
                entries.append(f"{_key(fn['name'])}: {_nullable(self._returns(schema, fn), True)}")
        return "Row: " + _block(entries)

    def _table(self, schema: str, table: Row) -> str:
        columns = self.columns[table["id"]]

        def write_shape(label: str, insert: bool) -> str:
            entries = []
            for c in columns:
                if c["identity_generation"] == "ALWAYS":
                    entries.append(f"{_key(c['name'])}?: never")
                    continue
                optional = (not insert or c["is_nullable"] or c["is_identity"]
                            or c["default_value"] is not None)
                entries.append(self._column(schema, c, optional=optional, nullable=c["is_nullable"]))
            return f"{label}: " + _block(entries)

        relationships = [self._relationship(r) for r in self._relations_of(schema, table["name"])]
        return f"{_key(table['name'])}: " + _block([
            self._row(schema, table), write_shape("Insert", True), write_shape("Update", False),
            "Relationships: " + _array(relationships)])

    def _view(self, schema: str, view: Row) -> str:
        columns = self.columns[view["id"]]
        parts = [self._row(schema, view)]
        if view.get("is_updatable"):
            for label in ("Insert", "Update"):
                parts.append(f"{label}: " + _block(
                    self._column(schema, c, optional=True, nullable=True) if c["is_updatable"]
                    else f"{_key(c['name'])}?: never" for c in columns))
        relationships = [self._relationship(r) for r in self._relations_of(schema, view["name"])]
        parts.append("Relationships: " + _array(relationships))
        return f"{_key(view['name'])}: " + _block(parts)

    # -- functions -------------------------------------------------------------------------------

    def _relation_name(self, relation_id: int | None, type_id: int | None) -> str | None:
        if not relation_id:
            return None
        if relation_id in self.relation_names:
            return self.relation_names[relation_id]
        # A composite type: its name lets a caller sub-select its fields.
        found = self.relation_types.get(type_id) if type_id else None
        return found["name"] if found else None

    def _returns(self, schema: str, fn: Row) -> str:
        table_args = [a for a in fn["args"] if a["mode"] == "table"]
        if table_args:  # RETURNS TABLE (...)
            return _block(f"{_key(a['name'])}: {self._type_of_id(schema, a['type_id'])}" for a in table_args)
        objects = self.by_schema.get(schema, {"tables": [], "views": []})
        relation = next((r for r in objects["tables"] + objects["views"]
                         if r["id"] == fn["return_type_relation_id"]), None)
        if relation is not None:  # a row of one of the schema's relations
            return _block(self._column(schema, c, optional=False, nullable=c["is_nullable"])
                          for c in self.columns[relation["id"]])
        return self._type_of_id(schema, fn["return_type_id"])

    def _setof_options(self, fn: Row) -> str | None:
        target = self._relation_name(fn["return_type_relation_id"], fn["return_type_id"])
        many = fn["prorows"] is not None and fn["prorows"] > 1
        options = None
        if target:
            options = ("*", target, not many, fn["is_set_returning_function"])
        if len(fn["args"]) == 1 and fn["args"][0]["type_id"] in self.relation_types:
            source = self.relation_types[fn["args"][0]["type_id"]]["format"]
            set_of_table = fn["is_set_returning_function"] and fn["return_type_relation_id"] is not None
            if set_of_table and target:
                options = (source, target, not many, True)
            elif target:
                options = (source, target, True, False)
        if options is None:
            return None
        source, target, one, setof = options
        return "SetofOptions: " + _block([f"from: {_q(source)}", f"to: {_q(target)}",
                                          f"isOneToOne: {str(one).lower()}", f"isSetofReturn: {str(setof).lower()}"])

    def _args(self, schema: str, in_args: list[Row]) -> str:
        if not in_args:
            return "never"
        return _block(f"{_key(a['name'])}{'?' if a['has_default'] else ''}: {self._type_of_id(schema, a['type_id'])}"
                      for a in in_args)

    def _conflict(self, schema: str, group: list[tuple[Row, list[Row]]], fn: Row, in_args: list[Row]) -> str | None:
        """Overloads PostgREST cannot choose between, reported in the type as upstream does."""
        if len(group) <= 1:
            return None
        name = fn["name"]
        if not in_args:
            clash = [(f, a) for f, a in group if f is not fn and len(a) == 1 and a[0]["name"] == "" and a[0]["has_default"]]
            if clash:
                returns = self.types_by_id.get(clash[0][0]["return_type_id"], {}).get("name", "unknown")
                return (f"Could not choose the best candidate function between: {schema}.{name}(), "
                        f"{schema}.{name}( => {returns}). Try renaming the parameters or the function itself "
                        "in the database so function overloading can be resolved")
        if len(in_args) == 1 and in_args[0]["name"]:
            clash = [(f, a) for f, a in group if f is not fn and len(a) == 1 and a[0]["name"] == in_args[0]["name"]
                     and a[0]["type_id"] != in_args[0]["type_id"]]
            if clash:
                every = sorted([(fn, in_args), *clash], key=lambda pair: pair[1][0]["type_id"] if pair[1] else 0)
                listed = ", ".join(
                    f"{schema}.{name}(" + ", ".join(
                        f"{a['name']} => {self.types_by_id.get(a['type_id'], {}).get('name', 'unknown')}"
                        for a in args) + ")" for _, args in every)
                return (f"Could not choose the best candidate function between: {listed}. Try renaming the "
                        "parameters or the function itself in the database so function overloading can be resolved")
        return None

    def _signature(self, schema: str, group: list[tuple[Row, list[Row]]], fn: Row, in_args: list[Row]) -> str:
        returns = self._returns(schema, fn)
        conflict = self._conflict(schema, group, fn, in_args)
        if conflict:
            returns = f"{{ error: true }} & {_q(conflict)}"
        elif (len(in_args) == 1 and in_args[0]["name"] == "" and in_args[0]["type_id"] in self.relation_types
              and not self._relation_name(fn["return_type_relation_id"], fn["return_type_id"])):
            returns = "{ error: true } & " + _q(
                f"the function {schema}.{fn['name']} with parameter or with a single unnamed json/jsonb "
                "parameter, but no matches were found in the schema cache")
        target = self._relation_name(fn["return_type_relation_id"], fn["return_type_id"])
        many = fn["prorows"] is not None and fn["prorows"] > 1
        # ROWS 1 collapses the array only when SetofOptions tells postgrest-js how to restore it.
        if fn["is_set_returning_function"] and not (not many and target is not None):
            returns += "[]"
        entries = [f"Args: {self._args(schema, in_args)}", f"Returns: {returns}"]
        options = self._setof_options(fn)
        if options:
            entries.append(options)
        return _block(entries)

    def _functions(self, schema: str) -> list[str]:
        groups: dict[str, list[tuple[Row, list[Row]]]] = {}
        for fn, in_args in self.by_schema[schema]["functions"]:
            groups.setdefault(fn["name"], []).append((fn, in_args))
        out = []
        for name, group in groups.items():
            group.sort(key=lambda pair: (_sort_key(pair[0]["argument_types"]), _sort_key(pair[0]["return_type"])))
            signatures = [self._signature(schema, group, fn, in_args) for fn, in_args in group]
            if len(signatures) == 1:
                out.append(f"{_key(name)}: {signatures[0]}")
            else:
                out.append(f"{_key(name)}:\n" + "\n".join(_indent("| " + _indent(s).lstrip(), "  ")
                                                          for s in signatures))
        return out

    # -- the whole file --------------------------------------------------------------------------

    def _schema(self, schema: str) -> str:
        objects = self.by_schema[schema]
        enums = [f"{_key(e['name'])}: " + " | ".join(_q(v) for v in e["enums"]) for e in objects["enums"]]
        composites = [f"{_key(t['name'])}: " + _block(
            f"{_key(a['name'])}: {_nullable(self._type_of_id(schema, a['type_id']), True)}" for a in t["attributes"])
            for t in objects["composites"]]
        return f"{_key(schema)}: " + _block([
            "Tables: " + _block([self._table(schema, t) for t in objects["tables"]], NEVER_KEYS),
            "Views: " + _block([self._view(schema, v) for v in objects["views"]], NEVER_KEYS),
            "Functions: " + _block(self._functions(schema), NEVER_KEYS),
            "Enums: " + _block(enums, NEVER_KEYS),
            "CompositeTypes: " + _block(composites, NEVER_KEYS),
        ])

    def render(self) -> str:
        schemas = sorted(self.schema_names, key=_sort_key)
        internal = ("// Allows to automatically instantiate createClient with right options\n"
                    "// instead of createClient<Database, { PostgrestVersion: 'XX' }>(URL, KEY)\n"
                    "__InternalSupabase: " + _block([f"PostgrestVersion: {_q(self.postgrest_version)}"]))
        database = _block([internal, *(self._schema(s) for s in schemas)])
        constants = _block(
            f"{_key(s)}: " + _block(["Enums: " + _block(
                f"{_key(e['name'])}: [{', '.join(_q(v) for v in e['enums'])}]," for e in self.by_schema[s]["enums"])
                + ","]) + "," for s in schemas)
        return (HEADER + "export type Database = " + database + "\n\n"
                + HELPERS.replace("__DEFAULT_SCHEMA__", _q(DEFAULT_SCHEMA))
                + "\nexport const Constants = " + constants + " as const\n")


def generate(meta: Metadata, *, one_to_one: bool, postgrest_version: str | None) -> str:
    return Generator(meta, one_to_one=one_to_one, postgrest_version=postgrest_version).render()


HEADER = ("export type Json =\n  | string\n  | number\n  | boolean\n  | null\n"
          "  | { [key: string]: Json | undefined }\n  | Json[]\n\n")


# The helper types apps import (Tables<"books">, Enums<"mood">, ...): fixed text around the Database type.
HELPERS = '''type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, __DEFAULT_SCHEMA__>]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never
'''
