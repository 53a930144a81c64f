"""Resolving a parsed request against the schema cache: which relation, which columns and types,
which relationship each embed follows, and which filters, order and paging apply at each level.

The result is pure data (`ReadNode`), turned into SQL by `query.py`.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from . import errors
from .ast import EmbedNullFilter, Field, Logic, Node, OrderTerm, QueryParams, SelectEmbed, SelectField, Star
from .query_params import MaybeEmbedNull
from .schema_cache import Function, Relationship, SchemaCache, Table, relationship_order


@dataclass
class Source:
    """Rows to read: a table or view, a CTE of written rows, or a function's result."""

    schema: str
    name: str
    columns: dict[str, str]  # name -> type
    table: Table | None = None
    computed: dict[str, Function] = field(default_factory=dict)


@dataclass
class Output:
    kind: str  # "star" | "column" | "computed" | "embed" | "count"
    alias: str = ""
    field: Field | None = None
    cast: str | None = None
    aggregate: str | None = None
    aggregate_cast: str | None = None
    embed: "Embed | None" = None
    function: Function | None = None
    hoisted: bool = False  # an aggregate in a spread embed, applied by the parent (grouping its rows)


@dataclass
class Embed:
    key: str  # the JSON key (alias or name)
    relationship: Relationship
    node: "ReadNode"
    inner: bool
    spread: bool
    null_filter: bool | None = None  # True: keep parents without, False: keep parents with


@dataclass
class ReadNode:
    source: Source
    alias: str
    outputs: list[Output]
    conditions: list = field(default_factory=list)  # Filter | Logic (resolved against source)
    order: tuple[OrderTerm, ...] = ()
    limit: int | None = None
    offset: int | None = None
    embeds: list[Embed] = field(default_factory=list)
    order_relations: dict[str, Embed] = field(default_factory=dict)

    def column_type(self, field: Field) -> str:
        return field_type(self.source, field)


def field_type(source: Source, field: Field) -> str:
    if field.name in source.columns:
        base = source.columns[field.name]
    elif field.name in source.computed:
        base = source.computed[field.name].return_type
    else:
        raise errors.error(400, "42703", f"column {source.name}.{field.name} does not exist")
    if not field.json_path:
        return base
    return "text" if field.json_path[-1].arrow == "->>" else ("json" if base == "json" else "jsonb")


def table_source(cache: SchemaCache, schema: str, name: str) -> Source:
    table = cache.table(schema, name)
    if table is None:
        raise not_found(cache, schema, name)
    return Source(schema, name, {c.name: c.type for c in table.columns.values()}, table,
                  cache.computed.get((schema, name), {}))


def not_found(cache: SchemaCache, schema: str, name: str) -> Exception:
    close = difflib.get_close_matches(name, cache.table_names(schema), n=1)
    hint = f"Perhaps you meant the table '{schema}.{close[0]}'" if close else None
    return errors.error(404, errors.NO_TABLE, f"Could not find the table '{schema}.{name}' in the schema cache",
                        None, hint)


class Counter:
    def __init__(self) -> None:
        self.value = 0

    def next_alias(self) -> str:
        self.value += 1
        return f"pgrst_{self.value}"


def plan_read(cache: SchemaCache, source: Source, params: QueryParams, alias: str | None = None,
              counter: Counter | None = None, aggregates: bool = True) -> ReadNode:
    counter = counter or Counter()
    select = params.select if params.select is not None else (Star(),)
    return _plan_node(cache, source, select, params, (), alias or source.name, counter, aggregates)


def _plan_node(cache, source: Source, select, params: QueryParams, path: tuple[str, ...], alias: str,
               counter: Counter, aggregates: bool) -> ReadNode:
    node_params = params.nodes.get(path, Node())
    node = ReadNode(source, alias, [], order=node_params.order, limit=node_params.limit,
                    offset=node_params.offset)
    for item in select:
        node.outputs.append(_plan_item(cache, node, item, params, path, counter, aggregates))
    embed_keys = {e.key: e for e in node.embeds}
    known_paths = set(embed_keys) | {e.relationship.target[1] for e in node.embeds}
    for condition in node_params.conditions:
        if isinstance(condition, MaybeEmbedNull):
            condition = condition.resolve(set(embed_keys))
        if isinstance(condition, EmbedNullFilter):
            embed_keys[condition.relation].null_filter = not condition.negated
            continue
        _check_condition(node, condition)
        node.conditions.append(condition)
    for term in node.order:
        _check_order(cache, node, term, counter)
    for sub_path in params.nodes:
        if len(sub_path) == len(path) + 1 and sub_path[:len(path)] == path and sub_path[-1] not in known_paths:
            raise errors.error(400, errors.NOT_EMBEDDED,
                               f"'{sub_path[-1]}' is not an embedded resource in this request",
                               None, f"Verify that '{sub_path[-1]}' is included in the 'select' query parameter.")
    return node


def _check_condition(node: ReadNode, condition) -> None:
    if isinstance(condition, Logic):
        for child in condition.children:
            _check_condition(node, child)
    else:
        node.column_type(condition.field)


def _check_order(cache, node: ReadNode, term: OrderTerm, counter: Counter) -> None:
    if term.relation is None:
        node.column_type(term.field)
        return
    embed = next((e for e in node.embeds if e.key == term.relation), None)
    if embed is None:
        raise errors.error(400, errors.NOT_EMBEDDED, f"'{term.relation}' is not an embedded resource in this request",
                           None, f"Verify that '{term.relation}' is included in the 'select' query parameter.")
    if not embed.relationship.to_one:
        raise errors.error(400, errors.RELATED_ORDER, f"A related order on '{term.relation}' is not possible",
                           f"'{node.source.name}' and '{term.relation}' do not form a many-to-one or one-to-one relationship")
    embed.node.column_type(term.field)
    node.order_relations[term.relation] = embed


def _plan_item(cache, node: ReadNode, item, params, path, counter, aggregates) -> Output:
    if isinstance(item, Star):
        return Output("star")
    if isinstance(item, SelectField):
        if item.aggregate and not aggregates:
            raise errors.error(400, errors.AGGREGATES, "Use of aggregate functions is not allowed")
        if item.field is None or _bare_count(node, item):
            # `count()`, and `count` where no such column exists (`comments(count)`), count the rows.
            return Output("count", item.alias or "count", aggregate="count",
                          aggregate_cast=item.aggregate_cast or item.cast)
        node.column_type(item.field)
        kind = "computed" if item.field.name in node.source.computed and item.field.name not in node.source.columns \
            else "column"
        alias = item.alias or (item.aggregate if item.aggregate else item.field.default_alias)
        return Output(kind, alias, item.field, item.cast, item.aggregate, item.aggregate_cast,
                      function=node.source.computed.get(item.field.name))
    return _plan_embed(cache, node, item, params, path, counter, aggregates)


def _bare_count(node: ReadNode, item: SelectField) -> bool:
    field = item.field
    if field is None:  # a bare count()
        return True
    return (field.name == "count" and not field.json_path and not item.aggregate
            and "count" not in node.source.columns and "count" not in node.source.computed)


def _plan_embed(cache, node: ReadNode, item: SelectEmbed, params, path, counter, aggregates) -> Output:
    relationship = resolve_relationship(cache, node.source, item.name, item.hint)
    target_schema, target_name = relationship.target
    target = table_source(cache, target_schema, target_name)
    key = item.alias or item.name
    child_path = path + (key,)
    if item.alias and child_path not in params.nodes and path + (item.name,) in params.nodes:
        child_path = path + (item.name,)  # filters may name the embed by its alias or by its table
    child = _plan_node(cache, target, item.items if item.items else (), params, child_path,
                       counter.next_alias(), counter, aggregates)
    if item.spread and not relationship.to_one and any(o.aggregate or o.kind == "count" for o in child.outputs):
        raise errors.error(400, errors.SPREAD, "A spread operation on '" + item.name + "' is not possible",
                           "Aggregates are not supported in a spread of a to-many relationship")
    if any(e.key == key for e in node.embeds):
        # PostgREST names each embed's subquery after the parent and the embed: the same embed twice
        # without an alias makes PostgreSQL refuse the statement, and PostgREST relays that.
        raise errors.error(400, "42712", f'table name "{node.source.name}_{key}" specified more than once')
    if item.spread and relationship.to_one:
        # As PostgREST does, `...rel(col.sum())` sums in the parent, grouped by the parent's other columns;
        # inside the embed's own subquery (one parent row) the aggregate would mean nothing.
        for output in child.outputs:
            output.hoisted = output.aggregate is not None
    embed = Embed(key, relationship, child, item.join == "inner", item.spread)
    node.embeds.append(embed)
    return Output("embed", key, embed=embed)


def resolve_relationship(cache: SchemaCache, source: Source, name: str, hint: str | None) -> Relationship:
    """PostgREST v12's findRel: every relationship of `source` whose target (in the same schema) the
    embed `name!hint` designates; none is PGRST200, more than one PGRST201."""
    rels = _relationships_in_schema(cache, source)
    candidates = [r for r in rels if _designates(cache, r, name, hint)]
    if not candidates:
        raise _no_relationship(cache, source, name, hint)
    if len(candidates) > 1:
        raise _ambiguous(source, name, candidates)
    return candidates[0]


def _relationships_in_schema(cache: SchemaCache, source: Source) -> list[Relationship]:
    return [r for r in cache.relationships(source.schema, source.name)
            if (r.function or r.target)[0] == source.schema]


def _designates(cache: SchemaCache, rel: Relationship, name: str, hint: str | None) -> bool:
    if rel.function is not None:
        return rel.function[1] == name  # a computed relationship is named by its function; hints are ignored
    to_table = rel.target[1] == name
    if rel.is_self:
        # One foreign key, two directions: the table name (with the key column as hint) is the
        # one-to-many "children" side, the key column is the many-to-one "parent" side.
        if hint is None:
            return ((to_table and rel.cardinality == "one-to-many")
                    or (rel.cardinality == "many-to-one" and rel.fk_column == name))
        return to_table and rel.cardinality == "one-to-many" and rel.ref_column == hint
    if hint is None:
        # The target may be the table, or (only towards a table, not a view) the constraint or key column.
        target = cache.table(*rel.target)
        towards_table = target is None or not target.is_view
        return to_table or (towards_table and ((rel.junction is None and rel.constraint == name)
                                               or rel.fk_column == name))
    return to_table and ((rel.junction is None and rel.constraint == hint) or rel.fk_column == hint
                         or rel.ref_column == hint or (rel.junction is not None and rel.junction[1] == hint))


def _no_relationship(cache, source: Source, name: str, hint: str | None) -> Exception:
    searched = f"'{source.name}' and '{name}'" + (f" using the hint '{hint}'" if hint else "")
    return errors.error(400, errors.NO_RELATIONSHIP,
                        f"Could not find a relationship between '{source.name}' and '{name}' in the schema cache",
                        f"Searched for a foreign key relationship between {searched} in the schema "
                        f"'{source.schema}', but no matches were found.", _suggestion(cache, source, name))


def _suggestion(cache: SchemaCache, source: Source, name: str) -> str | None:
    """A close target of this table's relationships (never the name asked for), or, when the table has
    none, a close table that has some. PostgREST ranks with a fuzzy set; difflib stands in for it."""
    rels = _relationships_in_schema(cache, source)
    if rels:
        targets = sorted({r.target[1] for r in rels} - {name})
        close = difflib.get_close_matches(name, targets, n=1)
        return f"Perhaps you meant '{close[0]}' instead of '{name}'." if close else None
    origins = sorted({key[1] for key, value in cache._relationships.items()
                      if key[0] == source.schema and value})
    close = difflib.get_close_matches(source.name, origins, n=1)
    return f"Perhaps you meant '{close[0]}' instead of '{source.name}'." if close else None


def _ambiguous(source: Source, name: str, candidates: list[Relationship]) -> Exception:
    ordered = sorted(candidates, key=relationship_order)
    details = [_describe(rel) for rel in ordered]
    options = [_option(rel) for rel in ordered]
    return errors.error(300, errors.AMBIGUOUS_RELATIONSHIP,
                        f"Could not embed because more than one relationship was found for "
                        f"'{source.name}' and '{name}'", details,
                        f"Try changing '{name}' to one of the following: {', '.join(options)}. "
                        f"Find the desired relationship in the 'details' key.")


def _describe(rel: Relationship) -> dict:
    if rel.function is not None:
        return {}
    source, target = rel.source[1], rel.target[1]
    if rel.junction is not None:
        left = ", ".join(j for j, _ in rel.junction_source_pairs)
        right = ", ".join(j for j, _ in rel.junction_target_pairs)
        using = (f"{rel.junction[1]} using {rel.junction_constraints[0]}({left}) and "
                 f"{rel.junction_constraints[1]}({right})")
    else:
        cols = ", ".join(a for a, _ in rel.pairs)
        refs = ", ".join(b for _, b in rel.pairs)
        using = f"{rel.constraint} using {source}({cols}) and {target}({refs})"
    return {"cardinality": rel.cardinality, "embedding": f"{source} with {target}", "relationship": using}


def _option(rel: Relationship) -> str:
    if rel.function is not None:
        return ""
    return f"'{rel.target[1]}!{rel.junction[1] if rel.junction is not None else rel.constraint}'"
