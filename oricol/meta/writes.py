"""The shape every postgres-meta write shares: in one transaction, find the object (404 if it is gone),
apply the statements, read the object back, commit. Any failure rolls all of it back.
"""
from __future__ import annotations

from typing import Awaitable, Callable

import asyncpg
import orjson
from starlette.requests import Request
from starlette.responses import Response

from oricol.sql import Sql

from . import errors, http
from .connection import fetch_json


async def read_one(conn: asyncpg.Connection, query: Sql, missing: str) -> dict:
    found = await fetch_json(conn, query)
    if found is None:
        raise errors.not_found(missing)
    return orjson.loads(found)


async def answer(conn: asyncpg.Connection, query: Sql, missing: str) -> Response:
    found = await fetch_json(conn, query)
    if found is None:
        raise errors.not_found(missing)
    return http.raw_json(found)


def db_of(request: Request):
    return request.app.state.db


Step = Callable[[asyncpg.Connection], Awaitable[Response]]


async def in_transaction(request: Request, step: Step) -> Response:
    async with db_of(request).transaction() as conn:
        return await step(conn)
