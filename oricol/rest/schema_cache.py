"""What the API exposes, read from the catalogs: tables, columns, keys, relationships, functions.

Loaded at start and again on `NOTIFY pgrst, 'reload schema'` (sent by the DDL event trigger); a
request works on the cache object it started with, so a reload never fails a request in flight.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import asyncpg

from oricol import catalogue
from oricol.catalogue import view_keys

SQL_DIR = Path(__file__).parent / "sql"


def _sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    full_type: str
    nullable: bool
    default: str | None
    generated: bool
    description: str | None = None
    enum: tuple[str, ...] | None = None
    identity: bool = False

    @property
    def has_default(self) -> bool:
        return self.default is not None or self.identity or self.generated


@dataclass
class Table:
    schema: str
    name: str
    kind: str
    insertable: bool
    columns: dict[str, Column]
    pk: tuple[str, ...]
    uniques: list[tuple[str, ...]]
    description: str | None = None

    @property
    def is_view(self) -> bool:
        return self.kind in ("v", "m")

    def is_unique(self, columns: tuple[str, ...]) -> bool:
        return any(set(u) == set(columns) for u in self.uniques)


@dataclass(frozen=True)
class ForeignKey:
    name: str
    schema: str
    table: str
    columns: tuple[str, ...]
    ref_schema: str
    ref_table: str
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class Relationship:
    """How `source` reaches `target`: join column pairs (source col, target col), via a junction, or
    through a function taking a `source` row (a computed relationship)."""

    cardinality: str  # "many-to-one" | "one-to-many" | "one-to-one" | "many-to-many"
    source: tuple[str, str]
    target: tuple[str, str]
    constraint: str
    pairs: tuple[tuple[str, str], ...]
    junction: tuple[str, str] | None = None
    junction_source_pairs: tuple[tuple[str, str], ...] = ()  # (junction col, source col)
    junction_target_pairs: tuple[tuple[str, str], ...] = ()  # (junction col, target col)
    junction_constraints: tuple[str, str] = ("", "")
    is_self: bool = False  # a table's foreign key to itself (both directions are kept)
    function: tuple[str, str] | None = None  # computed: schema.function(source row) returns target rows

    @property
    def to_one(self) -> bool:
        return self.cardinality in ("many-to-one", "one-to-one")

    @property
    def fk_column(self) -> str | None:
        """The source-side column of a single-column foreign key (a hint or target may name it)."""
        return self.pairs[0][0] if len(self.pairs) == 1 and self.junction is None else None

    @property
    def ref_column(self) -> str | None:
        """The target-side column of a single-column foreign key."""
        return self.pairs[0][1] if len(self.pairs) == 1 and self.junction is None else None


_CARDINALITY_RANK = {"one-to-many": 0, "many-to-one": 1, "one-to-one": 2, "many-to-many": 3}


def relationship_order(rel: Relationship) -> tuple:
    """PostgREST lists relationships (in PGRST201's details) in this order: foreign-key ones before
    computed ones, then by tables, self-ness, cardinality, constraint or junction, and columns."""
    if rel.junction is not None:
        detail: tuple = (rel.junction, rel.junction_constraints,
                         tuple((s, j) for j, s in rel.junction_source_pairs),
                         tuple((t, j) for j, t in rel.junction_target_pairs))
    else:
        detail = (rel.constraint, rel.pairs)
    return (rel.function is not None, rel.source, rel.function or rel.target, rel.is_self,
            _CARDINALITY_RANK[rel.cardinality], detail)


@dataclass(frozen=True)
class Arg:
    name: str
    type: str
    mode: str  # i, o, b (inout), v (variadic), t (table column)
    has_default: bool
    type_relid: int = 0
    relation: tuple[str, str] | None = None  # the table or view whose row type this argument takes


@dataclass(frozen=True)
class Function:
    schema: str
    name: str
    args: tuple[Arg, ...]
    returns_set: bool
    return_type: str
    return_kind: str
    return_relation: tuple[str, str] | None
    return_columns: tuple[tuple[str, str], ...]
    volatility: str
    variadic: bool
    description: str | None = None
    rows: float = 0  # the ROWS estimate; ROWS 1 makes a set-returning function a to-one relationship

    @property
    def inputs(self) -> tuple[Arg, ...]:
        return tuple(a for a in self.args if a.mode in ("i", "b", "v"))

    @property
    def outputs(self) -> tuple[tuple[str, str], ...]:
        out = tuple((a.name, a.type) for a in self.args if a.mode in ("o", "b", "t"))
        return out if out else self.return_columns

    @property
    def returns_rows(self) -> bool:
        return bool(self.outputs) and (self.return_kind == "c" or self.return_type == "record")

    @property
    def is_void(self) -> bool:
        return self.return_type == "void"


@dataclass
class SchemaCache:
    schemas: tuple[str, ...]
    tables: dict[tuple[str, str], Table] = field(default_factory=dict)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    functions: dict[tuple[str, str], list[Function]] = field(default_factory=dict)
    _relationships: dict[tuple[str, str], list[Relationship]] = field(default_factory=dict)
    computed: dict[tuple[str, str], dict[str, Function]] = field(default_factory=dict)

    def table(self, schema: str, name: str) -> Table | None:
        return self.tables.get((schema, name))

    def relationships(self, schema: str, name: str) -> list[Relationship]:
        return self._relationships.get((schema, name), [])

    def table_names(self, schema: str) -> list[str]:
        return sorted(n for (s, n) in self.tables if s == schema)


async def load(conn: asyncpg.Connection, schemas: tuple[str, ...]) -> SchemaCache:
    cache = SchemaCache(schemas=schemas)
    wanted = list(schemas)
    for row in await conn.fetch(_sql("tables"), wanted):
        columns = {c["name"]: Column(c["name"], c["type"], c["full_type"], c["nullable"], c["default"],
                                     c["generated"], c["description"], tuple(c["enum"]) if c["enum"] else None,
                                     c["identity"])
                   for c in _json(row["columns"])}
        uniques = [tuple(u) for u in _json(row["uniques"])]
        cache.tables[(row["schema"], row["name"])] = Table(
            row["schema"], row["name"], row["kind"], bool(row["insertable"]), columns, tuple(row["pk"]), uniques,
            row["description"])
    for row in await conn.fetch(_sql("foreign_keys"), wanted):
        cache.foreign_keys.append(ForeignKey(row["name"], row["schema"], row["table_name"], tuple(row["columns"]),
                                             row["ref_schema"], row["ref_table"], tuple(row["ref_columns"])))
    for row in await conn.fetch(_sql("functions"), wanted):
        function = _function(row)
        cache.functions.setdefault((function.schema, function.name), []).append(function)
    deps = await catalogue.view_key_dependencies(conn, schemas)
    for key, table in cache.tables.items():
        if table.is_view:
            table.pk = view_keys.view_primary_key(deps, key)
    _derive_relationships(cache, deps)
    _derive_computed(cache)
    _derive_computed_relationships(cache)
    return cache


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _function(row) -> Function:
    raw_args = _json(row["args"])
    inputs = [a for a in raw_args if a["mode"] in ("i", "b", "v")]
    with_default = set(range(len(inputs) - row["defaults"], len(inputs)))
    args, input_index = [], 0
    for a in raw_args:
        has_default = False
        if a["mode"] in ("i", "b", "v"):
            has_default = input_index in with_default
            input_index += 1
        relation = tuple(a["relation"]) if a.get("relation") else None
        args.append(Arg(a["name"], a["type"], a["mode"], has_default, a["type_relid"] or 0, relation))
    relation = (row["return_rel_schema"], row["return_rel_name"]) if row["return_rel_name"] else None
    return Function(row["schema"], row["name"], tuple(args), row["returns_set"], row["return_type"],
                    row["return_kind"], relation,
                    tuple((c["name"], c["type"]) for c in _json(row["return_columns"])),
                    row["volatility"], row["variadic"], row["description"], row["rows"] or 0)


def _derive_relationships(cache: SchemaCache, deps: Sequence[view_keys.KeyDep] = ()) -> None:
    """PostgREST's order: each foreign key as a many-to-one (or one-to-one) from the table holding it;
    the same through views showing its columns; many-to-many through junctions; then the inverses."""
    forward: list[Relationship] = []
    for fk in cache.foreign_keys:
        source, target = (fk.schema, fk.table), (fk.ref_schema, fk.ref_table)
        src_table = cache.tables.get(source)
        one = src_table is not None and src_table.is_unique(fk.columns)
        forward.append(Relationship("one-to-one" if one else "many-to-one", source, target, fk.name,
                                    tuple(zip(fk.columns, fk.ref_columns)), is_self=source == target))
    forward += _view_relationships(forward, deps)
    rels = cache._relationships
    for rel in forward:
        rels.setdefault(rel.source, []).append(rel)
    for rel in _junction_relationships(cache, forward):
        rels.setdefault(rel.source, []).append(rel)
    for rel in forward:
        inverse = "one-to-many" if rel.cardinality == "many-to-one" else "one-to-one"
        rels.setdefault(rel.target, []).append(Relationship(
            inverse, rel.target, rel.source, rel.constraint, tuple((b, a) for a, b in rel.pairs),
            is_self=rel.is_self))


def _view_relationships(forward: list[Relationship], deps: Sequence[view_keys.KeyDep]) -> list[Relationship]:
    """A foreign key whose holding columns a view shows gives view -> table; whose referenced columns a
    view shows, table -> view; both, view -> view (self-referencing when it is the same view). A column
    shown twice gives a relationship per showing, as in PostgREST."""
    holding: dict[tuple, list[view_keys.KeyDep]] = {}
    for dep in deps:
        holding.setdefault((dep.table, dep.constraint, dep.kind), []).append(dep)
    out = []
    for rel in forward:
        from_views = [(dep.view, dict(choice)) for dep in holding.get((rel.source, rel.constraint, "f"), [])
                      for choice in dep.column_choices()]
        to_views = [(dep.view, dict(choice)) for dep in holding.get((rel.target, rel.constraint, "f_ref"), [])
                    for choice in dep.column_choices()]
        for view, shown in from_views:
            out.append(dataclasses.replace(rel, source=view, is_self=False,
                                           pairs=tuple((shown[a], b) for a, b in rel.pairs)))
        for view, shown in to_views:
            out.append(dataclasses.replace(rel, target=view, is_self=False,
                                           pairs=tuple((a, shown[b]) for a, b in rel.pairs)))
        for view, shown in from_views:
            for ref_view, ref_shown in to_views:
                out.append(dataclasses.replace(rel, source=view, target=ref_view, is_self=view == ref_view,
                                               pairs=tuple((shown[a], ref_shown[b]) for a, b in rel.pairs)))
    return out


def _junction_relationships(cache: SchemaCache, forward: list[Relationship]) -> list[Relationship]:
    """Two many-to-one keys (different constraints) of one table or view whose columns are all in its
    primary key (a view's is inferred from its tables) make it a junction between their targets."""
    by_source: dict[tuple[str, str], list[Relationship]] = {}
    for rel in forward:
        if rel.cardinality == "many-to-one":
            by_source.setdefault(rel.source, []).append(rel)
    out = []
    for junction, keys in by_source.items():
        table = cache.tables.get(junction)  # a junction outside the exposed schemas is not offered
        key = set(table.pk) if table is not None else set()
        for left in keys:
            for right in keys:
                if left.constraint == right.constraint or not {a for a, _ in left.pairs + right.pairs} <= key:
                    continue
                out.append(Relationship(
                    "many-to-many", left.target, right.target, right.constraint, (), junction,
                    left.pairs, right.pairs, (left.constraint, right.constraint),
                    is_self=left.target == right.target))
    return out


def _derive_computed(cache: SchemaCache) -> None:
    """Functions taking one row of a table are its computed columns."""
    for functions in cache.functions.values():
        for function in functions:
            inputs = function.inputs
            if len(inputs) != 1 or not inputs[0].type_relid:
                continue
            type_name = inputs[0].type
            for key in cache.tables:
                schema, name = key
                if type_name in (name, f"{schema}.{name}", f'"{name}"', f'{schema}."{name}"'):
                    cache.computed.setdefault(key, {})[function.name] = function


def _derive_computed_relationships(cache: SchemaCache) -> None:
    """A function taking one row of a table or view and returning rows of another (`f(tickets) returns
    setof comments`) is an embeddable relationship named after the function: to-one when it returns a
    single row (no SETOF, or ROWS 1). As in PostgREST, a function named like the target table replaces
    the foreign-key relationships between the two."""
    for functions in cache.functions.values():
        for function in functions:
            inputs = function.inputs
            if len(inputs) != 1 or inputs[0].relation is None or function.return_relation is None:
                continue
            source, target = inputs[0].relation, function.return_relation
            if source not in cache.tables or target not in cache.tables:
                continue
            single = not function.returns_set or function.rows == 1
            name = (function.schema, function.name)
            rels = cache._relationships.setdefault(source, [])
            rels[:] = [r for r in rels if r.function is not None or r.target != name]
            rels.append(Relationship("many-to-one" if single else "one-to-many", source, target, "", (),
                                     is_self=source == target, function=name))
