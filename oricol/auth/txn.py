"""Running an endpoint's database work in one transaction on auth's pool."""
from __future__ import annotations

from typing import Any, Awaitable, Callable

import asyncpg

from .sessions import CommitThenRaise


async def run(pool: asyncpg.Pool, work: Callable[[asyncpg.Connection], Awaitable[Any]]) -> Any:
    """`work(conn)` in a transaction; a CommitThenRaise keeps the work done and then fails the request."""
    pending: Exception | None = None
    async with pool.acquire() as conn:
        async with conn.transaction():
            try:
                return await work(conn)
            except CommitThenRaise as signal:
                pending = signal.error
    raise pending
