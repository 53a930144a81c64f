"""SQL as a value that carries its parameters.

A fragment is a tuple of literal text and parameters; `render` numbers the parameters `$1..$n` in
order. A user value can only enter as a parameter, and an identifier only through `ident`, so no
user text is ever spliced into a statement.
"""
from __future__ import annotations

from typing import Any, Iterable


class Param:
    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Param) and other.value == self.value

    __hash__ = None  # type: ignore[assignment]  # equal by value, never a dict key (as __eq__ alone implies)

    def __repr__(self) -> str:
        return f"Param({self.value!r})"


class Sql:
    __slots__ = ("parts",)

    def __init__(self, parts: tuple[str | Param, ...] = ()):
        self.parts = parts

    def __add__(self, other: "Sql | str") -> "Sql":
        if isinstance(other, str):
            other = raw(other)
        return Sql(self.parts + other.parts)

    def __radd__(self, other: str) -> "Sql":
        return raw(other) + self

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sql) and render(self) == render(other)

    __hash__ = None  # type: ignore[assignment]  # equal by rendering, never a dict key (as __eq__ alone implies)

    def __repr__(self) -> str:
        text, params = render(self)
        return f"Sql({text!r}, {params!r})"

    def __bool__(self) -> bool:
        return bool(self.parts)


EMPTY = Sql()


def raw(text: str) -> Sql:
    """Trusted SQL text written in our source, never built from input."""
    return Sql((text,))


def param(value: Any, cast: str | None = None) -> Sql:
    fragment = Sql((Param(value),))
    return fragment + f"::{cast}" if cast else fragment


def quote_ident(name: str) -> str:
    if "\x00" in name:
        raise ValueError("identifier contains NUL")
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """Only for DDL where parameters are not allowed (e.g. CREATE ROLE ... PASSWORD)."""
    if "\x00" in text:
        raise ValueError("literal contains NUL")
    return "'" + text.replace("'", "''") + "'"


def ident(*names: str) -> Sql:
    return raw(".".join(quote_ident(n) for n in names))


def join(separator: str, fragments: Iterable[Sql]) -> Sql:
    """Linear in the number of parts: one list, one tuple (growing a tuple per fragment was quadratic,
    and an 18,000-item select list cost seconds of event-loop time)."""
    parts: list[str | Param] = []
    for index, fragment in enumerate(fragments):
        if index:
            parts.append(separator)
        parts.extend(fragment.parts)
    return Sql(tuple(parts))


def render(fragment: Sql) -> tuple[str, list[Any]]:
    text: list[str] = []
    params: list[Any] = []
    for part in fragment.parts:
        if isinstance(part, Param):
            params.append(part.value)
            text.append(f"${len(params)}")
        else:
            text.append(part)
    return "".join(text), params
