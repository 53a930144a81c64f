"""Names and order shared by the generators, as postgres-meta's templates compute them in JavaScript."""
from __future__ import annotations

import re
from typing import Any


def sort_key(name: str) -> tuple:
    # JavaScript's localeCompare: case-insensitive first, punctuation before letters, lower before upper.
    return (name.casefold(), name.swapcase())


def pascal_case(name: str, separators: str = r"[^a-zA-Z0-9]") -> str:
    """`pokemon_center` -> `PokemonCenter`: each word's first letter raised, the rest kept as written."""
    return "".join(word[0].upper() + word[1:] for word in re.split(separators, name) if word)


def columns_by_relation(columns: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """Each relation's columns in name order (the templates sort them so, not by position)."""
    grouped: dict[int, list[dict[str, Any]]] = {}
    for column in sorted(columns, key=lambda c: sort_key(c["name"])):
        grouped.setdefault(column["table_id"], []).append(column)
    return grouped


def in_schemas(rows: list[dict[str, Any]], schemas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = {schema["name"] for schema in schemas}
    return [row for row in rows if row["schema"] in names]
