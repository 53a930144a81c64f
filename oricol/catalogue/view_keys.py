"""Which keys of base tables a view exposes, as PostgREST infers them to embed through views.

A view's rule action (`pg_rewrite.ev_action`) is its parsed query; each top-level target entry names,
for a plain column reference, the table and column it comes from (`resorigtbl`, `resorigcol`). Those
are followed through views on views down to tables, and every primary or foreign key whose columns
all reach a view becomes a `KeyDep`: the key's table columns, each with the view columns showing it
(a column may be shown several times, and each showing gives its own relationship).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

# pg_node_tree tokens (readfuncs.c's pg_strtok): one of ( ) { }, or a run up to whitespace or one
# of those, where a backslash escapes the next character.
_TOKEN = re.compile(r"[(){}]|(?:[^\s(){}\\]|\\.)+", re.S)

# A parsed pg_node_tree: a node (dict, its name under ""), a list, a scalar's text, or `<>` as None.
Node = dict[str, "Node"] | list["Node"] | str | None


@dataclass(frozen=True)
class KeyDep:
    table: tuple[str, str]
    view: tuple[str, str]
    constraint: str
    kind: str  # "p" (primary key), "f" (foreign key, holding side), "f_ref" (foreign key, referenced side)
    columns: tuple[tuple[str, tuple[str, ...]], ...]  # (table column, view columns showing it), in key order

    def column_choices(self) -> list[tuple[tuple[str, str], ...]]:
        """Every way to pick one view column per key column: (table column, view column) pairs."""
        choices: list[tuple[tuple[str, str], ...]] = [()]
        for table_col, view_cols in self.columns:
            choices = [chosen + ((table_col, view_col),) for chosen in choices for view_col in view_cols]
        return choices


def parse_node_tree(text: str) -> Node:
    """pg_node_tree text as Python values: a node `{NAME :field value ...}` is a dict (its name under
    ""), a list `(...)` a list, `<>` None, and any other value the string of its tokens."""
    tokens: list[str] = _TOKEN.findall(text)
    position = 0

    def value() -> Node:
        nonlocal position
        token = tokens[position]
        position += 1
        if token == "{":
            node: dict[str, Node] = {"": tokens[position]}
            position += 1
            while tokens[position] != "}":
                name = tokens[position][1:]
                position += 1
                node[name] = field_value()
            position += 1
            return node
        if token == "(":
            items: list[Node] = []
            while tokens[position] != ")":
                items.append(value())
            position += 1
            return items
        return None if token == "<>" else token

    def field_value() -> Node:
        nonlocal position
        if tokens[position] in ("{", "("):
            return value()
        words: list[str] = []  # a scalar, or a datum such as `4 [ 1 0 0 0 ]`
        while tokens[position] not in ("}", ")") and not tokens[position].startswith(":"):
            words.append(tokens[position])
            position += 1
        if words == ["<>"]:
            return None
        return " ".join(words)

    return value()


def column_origins(definition: str) -> dict[int, tuple[int, int]]:
    """View column number -> (table or view oid, column number) for the view's plain column references."""
    tree = parse_node_tree(definition)
    query = tree[0] if isinstance(tree, list) and tree else None
    targets = query.get("targetList") if isinstance(query, dict) else None
    origins: dict[int, tuple[int, int]] = {}
    for entry in targets if isinstance(targets, list) else []:
        if not isinstance(entry, dict):
            continue
        table, column = _number(entry.get("resorigtbl")), _number(entry.get("resorigcol"))
        if table and column:
            origins[_number(entry["resno"])] = (table, column)
    return origins


def _number(node: Node) -> int:
    """A scalar field as a number; an absent or `<>` one is 0."""
    if node is None:
        return 0
    if isinstance(node, str):
        return int(node)
    raise ValueError(f"expected a number in the view's tree, got {node!r}")


def key_dependencies(view_rows: Iterable[Mapping[str, Any]], key_rows: Iterable[Mapping[str, Any]],
                     exposed: tuple[str, ...]) -> list[KeyDep]:
    """The keys each view of the exposed schemas exposes in full (partial keys give nothing)."""
    # view oid -> (schema and name, column number -> column name, column number -> origin)
    views: dict[int, tuple[tuple[str, str], dict[int, str], dict[int, tuple[int, int]]]] = {}
    for row in view_rows:
        columns = row["columns"]
        columns = json.loads(columns) if isinstance(columns, str) else columns
        try:
            origins = column_origins(row["definition"])
        except (IndexError, ValueError, KeyError):
            origins = {}  # a tree this reader does not follow: the view just gets no relationships
        views[row["oid"]] = ((row["schema"], row["name"]), {int(k): v for k, v in columns.items()}, origins)

    # (view oid, origin oid, origin column) -> view column names showing it, through views on views.
    reached: dict[tuple[int, int, int], list[str]] = {}
    for oid, (name, columns, origins) in views.items():
        if name[0] not in exposed:
            continue
        for view_column, first in sorted(origins.items()):
            if view_column not in columns:
                continue  # a junk entry (e.g. an ORDER BY expression), not a column of the view
            seen: set[tuple[int, int]] = set()
            origin: tuple[int, int] | None = first
            while origin is not None and origin not in seen:
                seen.add(origin)
                reached.setdefault((oid, *origin), []).append(columns[view_column])
                inner = views.get(origin[0])
                origin = inner[2].get(origin[1]) if inner is not None else None

    keys: dict[int, list[Mapping[str, Any]]] = {}
    for row in key_rows:
        keys.setdefault(row["relid"], []).append(row)
    deps: list[KeyDep] = []
    by_view: dict[int, set[int]] = {}
    for view_oid, table_oid, _ in reached:
        by_view.setdefault(view_oid, set()).add(table_oid)
    for view_oid, tables in by_view.items():
        view_name = views[view_oid][0]
        for table_oid in sorted(tables):
            for key in keys.get(table_oid, []):
                shown = [reached.get((view_oid, table_oid, attnum)) for attnum in key["attnums"]]
                found = [s for s in shown if s is not None]
                if not key["attnums"] or len(found) < len(shown):
                    continue
                deps.append(KeyDep((key["schema"], key["table_name"]), view_name, key["name"], key["kind"],
                                   tuple((col, tuple(s)) for col, s in zip(key["columns"], found))))
    return deps


def view_primary_key(deps: list[KeyDep], view: tuple[str, str]) -> tuple[str, ...]:
    """A view's primary key: the first view column showing each primary key column of its tables."""
    return tuple(view_cols[0] for dep in deps if dep.kind == "p" and dep.view == view
                 for _, view_cols in dep.columns)
