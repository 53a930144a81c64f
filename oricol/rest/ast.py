"""The typed request that the grammar produces: select trees, filters, logic trees and order terms.

Pure data, so the parser, the planner and the SQL builder can each be tested on their own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class JsonStep:
    arrow: str  # "->" or "->>"
    key: str


@dataclass(frozen=True)
class Field:
    name: str
    json_path: tuple[JsonStep, ...] = ()

    @property
    def default_alias(self) -> str:
        if self.json_path:
            return self.json_path[-1].key
        return self.name


@dataclass(frozen=True)
class Star:
    pass


@dataclass(frozen=True)
class SelectField:
    field: Field | None  # None for a bare count()
    alias: str | None = None
    cast: str | None = None
    aggregate: str | None = None
    aggregate_cast: str | None = None


@dataclass(frozen=True)
class SelectEmbed:
    name: str
    alias: str | None = None
    hint: str | None = None
    join: str | None = None  # "inner" | "left" | None
    spread: bool = False
    items: tuple["SelectItem", ...] = ()


SelectItem = Union[Star, SelectField, SelectEmbed]


@dataclass(frozen=True)
class Filter:
    field: Field
    op: str
    value: str | tuple[str, ...]
    negated: bool = False
    modifier: str | None = None  # "any" | "all"
    language: str | None = None  # fts config


@dataclass(frozen=True)
class Logic:
    op: str  # "and" | "or"
    children: tuple["Condition", ...]
    negated: bool = False


Condition = Union[Filter, Logic]


@dataclass(frozen=True)
class EmbedNullFilter:
    """`rel=is.null` / `rel=not.is.null`: keep parents by whether the embed is empty."""

    relation: str
    negated: bool


@dataclass(frozen=True)
class OrderTerm:
    field: Field
    relation: str | None = None  # order by a to-one embed's column: rel(col)
    direction: str | None = None  # "asc" | "desc"
    nulls: str | None = None  # "first" | "last"


@dataclass
class Node:
    """Filters, order and paging that apply at one embedding level (the root is path ())."""

    conditions: list = field(default_factory=list)
    order: tuple[OrderTerm, ...] = ()
    limit: int | None = None
    offset: int | None = None


@dataclass
class QueryParams:
    select: tuple[SelectItem, ...] | None
    nodes: dict[tuple[str, ...], Node]
    on_conflict: tuple[str, ...] | None = None
    columns: tuple[str, ...] | None = None
    rpc_args: dict[str, list[str]] = field(default_factory=dict)

    def node(self, path: tuple[str, ...] = ()) -> Node:
        return self.nodes.setdefault(path, Node())
