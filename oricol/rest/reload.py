"""Keeping the schema cache fresh: loaded at start, reloaded on `NOTIFY pgrst, 'reload schema'`.

The DDL event trigger (migration 0100) sends that notification after every schema change. A reload
builds a new cache and swaps the reference; requests in flight keep the one they started with,
and a failed reload keeps the old cache.
"""
from __future__ import annotations

import asyncio
import logging
import time

import asyncpg

from oricol.db import Database, Listener

from . import schema_cache

log = logging.getLogger("oricol.rest")
CHANNEL = "pgrst"


class SchemaCacheHolder:
    def __init__(self, db: Database, schemas: tuple[str, ...]):
        self.db = db
        self.schemas = schemas
        self.cache: schema_cache.SchemaCache | None = None
        self._listener: Listener | None = None  # set while listening
        self._pending: asyncio.Task | None = None
        self._stale = True
        self._again = False  # a notification arrived while a reload was running
        self.reloads = 0
        self.loaded_at = 0.0

    @property
    def loaded(self) -> bool:
        return self.cache is not None

    async def start(self) -> None:
        await self._listen()
        await self.reload()

    async def stop(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
        if self._listener is not None:
            try:
                await self._listener.unlisten(CHANNEL, self._notified)
            except Exception:  # closing during shutdown: nothing more to do
                pass
            self._listener = None

    async def _listen(self) -> None:
        try:  # on the process's shared LISTEN connection (oricol.db.Listener)
            await self.db.listener.listen(CHANNEL, self._notified, on_lost=self._lost)
            self._listener = self.db.listener
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("schema cache listener unavailable: %s", exc)
            self._listener = None

    def _lost(self) -> None:
        self._listener = None
        self._stale = True

    def _notified(self, conn, pid, channel, payload: str) -> None:
        if payload.strip() not in ("", "reload schema"):
            return
        self._stale = True
        if self._pending is None or self._pending.done():
            self._pending = asyncio.ensure_future(self._reload_soon())
        else:
            # The running reload may have read the catalogue before this change committed: go again.
            self._again = True

    async def _reload_soon(self) -> None:
        while True:
            await asyncio.sleep(0.01)  # coalesce the burst of notifications a migration sends
            self._again = False
            if not await self.reload() or not self._again:
                return

    async def reload(self) -> bool:
        self._stale = False
        try:
            async with self.db.admin.acquire() as conn:
                self.cache = await schema_cache.load(conn, self.schemas)
            self.reloads += 1
            self.loaded_at = time.monotonic()
            return True
        except (OSError, asyncpg.PostgresError) as exc:
            self._stale = True
            log.warning("schema cache reload failed, keeping the previous one: %s", exc)
            return False

    async def refresh_if_older(self, seconds: float) -> bool:
        """After a name the cache does not know: reloads when the cache is older than `seconds`, and
        otherwise gives the DDL's notification, which can trail the client's next request, a moment
        to arrive. True if the cache changed, so the request is worth one retry."""
        seen = self.reloads
        if time.monotonic() - self.loaded_at >= seconds:
            await self.reload()
        else:
            await asyncio.sleep(0.05)
            if self._pending is not None and not self._pending.done():
                await asyncio.shield(self._pending)
        return self.reloads != seen

    async def current(self) -> schema_cache.SchemaCache:
        if self.cache is None or (self._stale and self._listener is None):
            if self._listener is None:
                await self._listen()
            await self.reload()
        if self._pending is not None and not self._pending.done():
            await asyncio.shield(self._pending)
        if self.cache is None:
            from . import errors
            raise errors.error(503, errors.SCHEMA_CACHE_UNAVAILABLE,
                               "Could not query the database for the schema cache. Retrying.")
        return self.cache
