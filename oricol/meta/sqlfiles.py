"""The catalogue queries in oricol/meta/sql/, read once, with `{{name}}` slots filled by SQL values.

A slot takes an `Sql` fragment (usually a parameter), so a value given in a request still reaches
PostgreSQL only as a parameter.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

from oricol.sql import Sql, raw

SQL_DIR = Path(__file__).parent / "sql"
_SLOT = re.compile(r"\{\{(\w+)\}\}")


@functools.cache
def _text(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()


def query(name: str, **slots: Sql) -> Sql:
    pieces = _SLOT.split(_text(name))
    fragment = raw("")
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            fragment = fragment + raw(piece)
        elif piece in slots:
            fragment = fragment + slots[piece]
        else:
            raise KeyError(f"{name}.sql needs a value for {{{{{piece}}}}}")
    return fragment
