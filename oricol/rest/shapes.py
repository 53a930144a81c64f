"""Reads planned and rendered once per shape: the same URL with other filter values reuses the SQL.

Parsing the query string, planning against the schema cache and rendering the statement cost more
Python time per request than everything else in the REST pipeline, and an application sends the same
few shapes over and over (`?id=eq.1`, `?id=eq.2`, ...). A shape is the request with the values of its
simple comparison filters (`eq`, `neq`, `gt`, `gte`, `lt`, `lte`, optionally negated) taken out,
plus everything else that can change the statement (schema, relation, method, media type and its
parameters, preferences, Range). It is planned once with a marker in place of each value; the markers
must come out as whole parameters of the statement (and nowhere in its text), or the shape is not
cached. A request of that shape then gets the cached text and parameters with its own values put in
place of the markers: a value only ever travels as a parameter, as on the uncached path.

The cache belongs to one schema cache: a reload (new tables, columns, relationships) empties it.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any, Callable, NamedTuple

from .query_params import RESERVED

COMPARISON = re.compile(r"(?:not\.)?(?:eq|neq|gt|gte|lt|lte)\.")
LOGICAL = ("or", "and", "not.or", "not.and")
MARKER = "\ue000oricol-value-{}\ue000"  # private-use characters: never in a real request's value


class Rendered(NamedTuple):
    """A read's statement and what the response needs from its planning. (A named tuple, not a frozen
    dataclass: one is made per request, and a frozen dataclass's __init__ costs several times more.)"""

    text: str
    args: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (index in args, index of the request's value)
    offset: int
    limit: int | None

    def args_for(self, values: list[str]) -> list[Any]:
        args = list(self.args)
        for arg_index, value_index in self.slots:
            args[arg_index] = values[value_index]
        return args


Key = tuple
Build = Callable[[list[tuple[str, str]]], Rendered]


class ShapeCache:
    def __init__(self, size: int = 512):
        self.size = size
        self.schema: object = None
        self.entries: OrderedDict[Key, Rendered | None] = OrderedDict()

    def rendered(self, schema: object, head: Key, query: list[tuple[str, str]], build: Build) -> Rendered | None:
        """The statement for this request from its shape's entry (built by `build` from the marked
        query on first sight); None when the shape cannot be cached, for the caller's ordinary path."""
        if schema is not self.schema:
            self.entries.clear()
            self.schema = schema
        shape, values, marked = _shape(query)
        key = (head, shape)
        if key in self.entries:
            self.entries.move_to_end(key)
            entry = self.entries[key]
        else:
            entry = _template(build, marked, len(values))
            self.entries[key] = entry
            if len(self.entries) > self.size:
                self.entries.popitem(last=False)
        if entry is None:
            return None
        return Rendered(entry.text, tuple(entry.args_for(values)), entry.slots, entry.offset, entry.limit)


def _shape(query: list[tuple[str, str]]) -> tuple[tuple, list[str], list[tuple[str, str]]]:
    shape: list[tuple[str, str, bool]] = []
    values: list[str] = []
    marked: list[tuple[str, str]] = []
    for name, value in query:
        match = None if name in RESERVED or name in LOGICAL else COMPARISON.match(value)
        if match is None:
            shape.append((name, value, False))
            marked.append((name, value))
            continue
        prefix = match.group(0)
        shape.append((name, prefix, True))
        marked.append((name, prefix + MARKER.format(len(values))))
        values.append(value[len(prefix):])
    return tuple(shape), values, marked


def _template(build: Build, marked: list[tuple[str, str]], count: int) -> Rendered | None:
    try:
        rendered = build(marked)
    except Exception:  # the ordinary path answers this request (and its error) by itself
        return None
    slots = []
    for value_index in range(count):
        marker = MARKER.format(value_index)
        places = [i for i, arg in enumerate(rendered.args) if arg == marker]
        if len(places) != 1 or marker in rendered.text or any(
                isinstance(arg, str) and marker in arg and arg != marker for arg in rendered.args):
            return None
        slots.append((places[0], value_index))
    if any(isinstance(arg, (list, tuple)) and any(MARKER[:1] in str(a) for a in arg) for arg in rendered.args):
        return None
    return Rendered(rendered.text, rendered.args, tuple(slots), rendered.offset, rendered.limit)
