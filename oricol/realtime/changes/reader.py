"""The slot holder: one process of the deployment reads the replication slot and publishes what it
decodes.

Leadership is a session-level advisory lock on a dedicated connection: when the leader dies its
connection closes, the lock is released and another process takes over within a second. Changes are
peeked, published, and only then is the slot advanced past their commits, so a crash in between
delivers them again rather than losing them (at least once, in commit order).
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Callable

import asyncpg

from . import pgoutput
from .tables import TableCatalog

log = logging.getLogger("oricol.realtime.changes")

PUBLICATION = "supabase_realtime"
MESSAGES_PUBLICATION = "oricol_realtime_messages"  # inserts into realtime.messages: broadcasts from the database
_PEEK = ("select data from pg_logical_slot_peek_binary_changes($1, NULL, $2, "
         "'proto_version', '1', 'publication_names', '" + PUBLICATION + "," + MESSAGES_PUBLICATION + "')")
_RETENTION = "delete from realtime.messages where inserted_at < now() - interval '3 days'"
_RETENTION_EVERY = 3600.0  # seconds
_ADVANCE = "select pg_replication_slot_advance($1, $2::pg_lsn)"
_SLOT_EXISTS = "select exists(select 1 from pg_replication_slots where slot_name = $1)"
_STATE = ("select pg_current_wal_flush_lsn() as lsn, s.slot_name is not null as slot, "
          "pg_wal_lsn_diff(pg_current_wal_flush_lsn(), s.restart_lsn)::bigint as retained "
          "from (select 1) as one left join pg_replication_slots s on s.slot_name = $1")


class SlotReader:
    def __init__(self, admin_url: str, slot: str, catalog: TableCatalog, publish: Callable[[dict[str, Any]], None],
                 *, poll_seconds: float, max_changes: int, resume_grace: float):
        self.admin_url = admin_url
        self.slot = slot
        self.catalog = catalog
        self.publish = publish
        self.poll_seconds = poll_seconds
        self.max_changes = max_changes
        self.resume_grace = resume_grace
        self.is_leader = False
        self.retained_bytes: int | None = None  # WAL the slot keeps, as last seen
        self.wake = asyncio.Event()

    async def run(self) -> None:
        while True:
            conn = None
            try:
                conn = await asyncpg.connect(self.admin_url)
                if await conn.fetchval("select pg_try_advisory_lock(hashtext($1))", "oricol_realtime:" + self.slot):
                    self.is_leader = True
                    log.info("realtime: holding the replication slot", extra={"slot": self.slot})
                    await self._lead(conn)
            except asyncio.CancelledError:
                raise
            except asyncpg.ObjectNotInPrerequisiteStateError as error:
                log.warning("realtime change reader failed; retrying", exc_info=True)
                if conn is not None and "can no longer get changes" in str(error):
                    await self._replace_lost_slot(conn)
            except Exception:
                log.warning("realtime change reader failed; retrying", exc_info=True)
            finally:
                self.is_leader = False
                if conn is not None:
                    await _close(conn)
            await asyncio.sleep(1.0)

    async def _replace_lost_slot(self, conn: asyncpg.Connection) -> None:
        """The slot was invalidated (max_slot_wal_keep_size) and what it held is gone: say so loudly
        and start a new slot rather than failing forever."""
        log.error("realtime: replication slot %s was invalidated; recreating it, changes since the last "
                  "read are lost", self.slot)
        try:
            await conn.execute("select pg_drop_replication_slot($1)", self.slot)
            await conn.execute("select pg_create_logical_replication_slot($1, 'pgoutput')", self.slot)
        except asyncpg.PostgresError:
            log.warning("could not recreate the replication slot", exc_info=True)

    async def _lead(self, conn: asyncpg.Connection) -> None:
        await asyncio.sleep(self.resume_grace)
        quiet_at = None  # the flushed WAL position at which the slot last had nothing for us
        swept_at = 0.0
        while True:
            if time.monotonic() - swept_at > _RETENTION_EVERY:  # broadcasts from the database are kept 3 days
                await conn.execute(_RETENTION)
                swept_at = time.monotonic()
            state = await conn.fetchrow(_STATE, self.slot)
            self.retained_bytes = state["retained"]
            if not state["slot"]:
                await self._sleep(1.0)
                continue
            if state["lsn"] == quiet_at:  # no WAL written since: no need to set up decoding
                await self._sleep(self.poll_seconds)
                continue
            rows = await conn.fetch(_PEEK, self.slot, self.max_changes)
            if not rows:
                quiet_at = state["lsn"]
                await self._sleep(self.poll_seconds)
                continue
            quiet_at = None
            changes, end_lsn = await self._decode([row["data"] for row in rows])
            if changes:
                self.publish({"changes": changes})
            if end_lsn is not None:
                await conn.execute(_ADVANCE, self.slot, end_lsn)

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self.wake.wait(), seconds)
        except asyncio.TimeoutError:
            pass
        self.wake.clear()

    async def _decode(self, rows: list[bytes]) -> tuple[list[dict[str, Any]], int | None]:
        changes: list[dict[str, Any]] = []
        pending: list[pgoutput.RowChange] = []
        end_lsn = None
        for message in pgoutput.iter_decoded(rows):
            if isinstance(message, pgoutput.Relation):
                await self.catalog.learn(message)
            elif isinstance(message, pgoutput.RowChange):
                pending.append(message)
            elif isinstance(message, pgoutput.Commit):
                stamp = _timestamp(message.commit_time)
                for change in pending:
                    changes.append(self.catalog.describe(change, stamp))
                pending.clear()
                end_lsn = message.end_lsn
        return changes, end_lsn


def _timestamp(moment: Any) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


async def ensure_slot(pool: asyncpg.Pool, slot: str) -> bool:
    """Create the deployment's slot if it does not exist; True if it exists afterwards."""
    if await pool.fetchval(_SLOT_EXISTS, slot):
        return True
    try:
        await pool.execute("select pg_create_logical_replication_slot($1, 'pgoutput')", slot)
    except asyncpg.DuplicateObjectError:
        pass
    return bool(await pool.fetchval(_SLOT_EXISTS, slot))


async def _close(conn: asyncpg.Connection) -> None:
    try:
        await asyncio.wait_for(conn.close(), 2)
    except Exception:
        conn.terminate()
