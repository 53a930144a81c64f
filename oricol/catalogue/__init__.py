"""Catalogue readings that more than one service needs, in the shared layer so services stay apart.

REST (embedding through views, view primary keys) and meta (TypeScript relationships through views) must
read views alike; both call `view_key_dependencies` here.
"""
from __future__ import annotations

from pathlib import Path

import asyncpg

from .view_keys import KeyDep, key_dependencies, view_primary_key

SQL_DIR = Path(__file__).parent / "sql"

__all__ = ["KeyDep", "key_dependencies", "view_key_dependencies", "view_primary_key"]


def _sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()


async def view_key_dependencies(conn: asyncpg.Connection, schemas: tuple[str, ...]) -> list[KeyDep]:
    """Every primary or foreign key that views in `schemas` expose, traced through views on views."""
    return key_dependencies(await conn.fetch(_sql("view_definitions")), await conn.fetch(_sql("key_columns")),
                            schemas)
