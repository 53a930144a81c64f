"""postgres_changes for this process's subscribers: bindings checked at join, the slot made on first
use, and each batch of changes matched, authorised and pushed in commit order.

The slot is created when the first channel asks for database changes (so a deployment that never uses
them retains no WAL) and then kept, so a restart resumes where the last reader stopped.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, Hashable

import orjson

from oricol.config.realtime import RealtimeConfig
from oricol.db import Database

from .. import frames
from ..channel import TOPIC_PREFIX
from ..filters import Binding
from ..stats import RealtimeStats
from . import values, visibility
from .reader import PUBLICATION, SlotReader, ensure_slot
from .tables import TableCatalog

if TYPE_CHECKING:
    from ..channel import Subscription
    from ..node import Node

log = logging.getLogger("oricol.realtime.changes")

_PUBLISHED = ("select exists(select 1 from pg_publication_tables where pubname = $1 "
              "and schemaname = $2 and tablename = $3)")
_HAS_COLUMN = ("select exists(select 1 from pg_attribute where attrelid = format('%I.%I', $1::text, $2::text)::regclass "
               "and attname = $3 and attnum > 0 and not attisdropped)")


class ChangeFeed:
    def __init__(self, db: Database, config: RealtimeConfig, node: "Node", slot: str, stats: RealtimeStats):
        self.db = db
        self.stats = stats
        self.node = node
        self.slot = slot
        # who to consider for a change: by (schema, table), and those whose bindings name no one table
        self._by_table: dict[tuple[str, str], set["Subscription"]] = {}
        self._any_table: set["Subscription"] = set()
        # who wants each (schema, table, type), worked out from the sets above when first needed and kept
        # until someone joins or leaves (a subscription's bindings never change)
        self._match_plans: dict[tuple[str, str, str], _MatchPlan] = {}
        self.reader = SlotReader(db.admin_url, slot, TableCatalog(db.admin), node.publish_changes,
                                 poll_seconds=config.poll_interval_ms / 1000, max_changes=config.max_changes_per_read,
                                 resume_grace=config.resume_grace_seconds)
        self.visibility = visibility.Visibility(db.admin_url)
        self._reading = False  # the slot is known to exist
        self._queue: asyncio.Queue = asyncio.Queue()
        self._plans: asyncio.Queue = asyncio.Queue()  # prepared batches, in commit order
        self._tasks: list[asyncio.Task] = []
        node.change_handler = self._queue.put_nowait

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self.reader.run()), asyncio.create_task(self._prepare_forever()),
                       asyncio.create_task(self._deliver_forever())]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.visibility.close()

    # subscribing -----------------------------------------------------------------------------
    async def check_bindings(self, bindings: tuple[Binding, ...]) -> str | None:
        """Why changes cannot flow for these bindings, or None. As Supabase does, the join itself is
        accepted and the reason is told in a `system` message (a refused join would be retried)."""
        async with self.db.admin.acquire() as conn:
            for binding in bindings:
                if binding.table is None or binding.table == "*" or binding.schema == "*":
                    continue
                if not await conn.fetchval(_PUBLISHED, PUBLICATION, binding.schema, binding.table):
                    return ("Unable to subscribe to changes with given parameters. Please check Realtime is enabled "
                            f"for the given connect parameters: [event: {binding.event}, schema: {binding.schema}, "
                            f"table: {binding.table}, filters: {binding.filter or ''}] (table not in publication "
                            f"{PUBLICATION})")
                if binding.column and not await conn.fetchval(_HAS_COLUMN, binding.schema, binding.table,
                                                              binding.column):
                    return (f"invalid filter {binding.filter!r}: {binding.schema}.{binding.table} "
                            f"has no column {binding.column!r}")
        return None

    def add(self, sub: "Subscription") -> None:
        self._match_plans.clear()
        for key in _tables_of(sub):
            (self._any_table if key is None else self._by_table.setdefault(key, set())).add(sub)

    def remove(self, sub: "Subscription") -> None:
        self._match_plans.clear()
        for key in _tables_of(sub):
            if key is None:
                self._any_table.discard(sub)
            elif key in self._by_table:
                self._by_table[key].discard(sub)
                if not self._by_table[key]:
                    del self._by_table[key]

    async def ensure_reading(self) -> bool:
        """Make sure the slot exists and is read: on a channel's first join, since any channel may
        receive broadcasts sent from the database. True when it is."""
        if not self._reading:
            self._reading = await ensure_slot(self.db.admin, self.slot)
            self.reader.wake.set()
        return self._reading

    async def announce_when_ready(self, sub: "Subscription") -> None:
        """The `system` message that tells the client changes are flowing (or why they are not)."""
        if sub.bindings_error is not None:
            sub.conn.push(sub.topic, "system", {"status": "error", "message": sub.bindings_error,
                                                "extension": "postgres_changes", "channel": sub.name})
            return
        try:
            ready = await self.ensure_reading()
        except Exception as error:
            log.warning("could not create the replication slot", exc_info=True)
            ready, reason = False, f"Replication slot unavailable: {type(error).__name__}"
        else:
            reason = "Replication slot unavailable"
        status = {"status": "ok", "message": "Subscribed to PostgreSQL"} if ready else \
            {"status": "error", "message": reason}
        sub.conn.push(sub.topic, "system", {**status, "extension": "postgres_changes", "channel": sub.name})

    # delivering ------------------------------------------------------------------------------
    # Two stages joined by a queue, so that deciding who sees the next batch (PostgreSQL's work) overlaps
    # with writing the previous one to the sockets (this process's work); batches stay in commit order.
    async def _prepare_forever(self) -> None:
        while True:
            batch = list((await self._queue.get())["changes"])
            while not self._queue.empty():  # behind: take everything waiting as one batch, in order
                batch.extend(self._queue.get_nowait()["changes"])
            try:
                self._plans.put_nowait((batch, await self.plan(batch)))
            except Exception:
                log.exception("realtime: preparing a batch of changes failed")

    async def _deliver_forever(self) -> None:
        while True:
            batch, steps = await self._plans.get()
            try:
                for step in steps:
                    step()
            except Exception:
                log.exception("realtime: delivering a batch of changes failed")
            self._observe(batch)

    async def plan(self, batch: list[dict[str, Any]]) -> list[Callable[[], None]]:
        """How to deliver a batch, decided ahead (matching, authorisation): steps to run in commit order —
        runs of table changes to their subscribers and, in between, broadcasts sent from the database
        (rows inserted into realtime.messages)."""
        steps: list[Callable[[], None]] = []
        run: list[dict[str, Any]] = []
        for change in batch:
            if _is_database_broadcast(change):
                steps += await self._plan_changes(run)
                run = []
                steps.append(partial(self._broadcast_from_database, change["record"] or {}))
            else:
                run.append(change)
        steps += await self._plan_changes(run)
        return steps

    def _broadcast_from_database(self, row: dict[str, Any]) -> None:
        topic, event = row.get("topic"), row.get("event")
        if not topic or event is None or row.get("extension") != "broadcast":
            return
        payload = {"type": "broadcast", "event": event, "payload": orjson.Fragment(row.get("payload") or "{}"),
                   "meta": {"id": row.get("id")}}
        self.node.deliver_here(TOPIC_PREFIX + topic, payload, private=row.get("private") == "t")

    async def _plan_changes(self, changes: list[dict[str, Any]]) -> list[Callable[[], None]]:
        if not changes:
            return []
        wanted = self._match(changes)
        if not wanted:
            return []
        callers: dict[Hashable, Any] = {}  # group (role and claims) -> its caller
        pending: dict[Hashable, set[int]] = defaultdict(set)
        groups = {sub: sub.group for sub in wanted}  # as judged: a token refreshed meanwhile applies to later changes
        for sub, per_change in wanted.items():
            callers[groups[sub]] = sub.caller
            pending[groups[sub]].update(per_change)
        started = time.perf_counter()
        allowed = await self.visibility.visible(callers, pending, changes)
        self.stats.rls_check.observe((), time.perf_counter() - started)
        verdicts = {sub: allowed[group] for sub, group in groups.items()}
        return [partial(self._send_changes, changes, wanted, verdicts)]

    def _observe(self, changes: list[dict[str, Any]]) -> None:
        # the commit-to-push delay, whether or not anyone here wanted these changes
        now = time.time()
        self.stats.changes.inc((), len(changes))
        for change in changes:
            self.stats.delay.observe((), max(0.0, now - _epoch(change["commit_timestamp"])))

    def _send_changes(self, changes: list[dict[str, Any]], wanted: dict["Subscription", dict[int, tuple[int, ...]]],
                      verdicts: dict["Subscription", dict[int, Any]]) -> None:
        """Push each subscriber the changes it may see (`verdicts`: index -> visible columns)."""
        data: dict[tuple[int, Any], str] = {}  # each change serialised once per column set, not per subscriber
        for sub, per_change in wanted.items():  # per socket, in commit order
            visible = verdicts[sub]
            conn = sub.conn
            tail = _TAILS[conn.vsn]
            for index, ids in per_change.items():
                if index not in visible:
                    continue
                key = (index, visible[index])
                text = data.get(key)
                if text is None:
                    text = data[key] = orjson.dumps(values.client_data(changes[index], visible[index])).decode()
                heads = sub.change_heads
                head = heads.get(ids) if heads is not None else None
                if head is None:
                    head = _change_head(sub, ids)
                conn.send_frame(head + text + tail)

    def _match(self, changes: list[dict[str, Any]]) -> dict["Subscription", dict[int, tuple[int, ...]]]:
        """For each subscriber, the changes it asked for (in commit order) and the ids of the bindings
        that matched."""
        wanted: dict["Subscription", dict[int, tuple[int, ...]]] = {}
        # Who wants a (schema, table, type) depends on that alone except for filters: worked out once, so
        # that a subscriber costs a dict entry per change, not a walk through its bindings.
        plans = self._match_plans
        for index, change in enumerate(changes):
            schema, table, kind = change["schema"], change["table"], change["type"]
            plan = plans.get((schema, table, kind))
            if plan is None:
                plan = plans[(schema, table, kind)] = self._match_plan(schema, table, kind)
            for sub, ids in plan.unfiltered:
                per_change = wanted.get(sub)
                if per_change is None:
                    per_change = wanted[sub] = {}
                per_change[index] = ids
            if plan.filtered:
                types = {c["name"]: c["type"] for c in change["columns"]}
                row = change["old"] if kind == "DELETE" else change["record"]
                for sub, bindings in plan.filtered:
                    ids = tuple(b.id for b in bindings if b.accepts(row, types))
                    if ids:
                        wanted.setdefault(sub, {})[index] = ids
        return wanted

    def _match_plan(self, schema: str, table: str, kind: str) -> "_MatchPlan":
        plan = _MatchPlan([], [])
        seen: set["Subscription"] = set()  # a subscriber with bindings on this table and on every table
        for subs in (self._by_table.get((schema, table), ()), self._any_table):
            for sub in subs:
                if sub in seen:
                    continue
                seen.add(sub)
                bindings = [b for b in sub.bindings if b.wants(schema, table, kind)]
                if not bindings:
                    continue
                if all(b.column is None for b in bindings):  # no filter: every such change matches them all
                    plan.unfiltered.append((sub, tuple(b.id for b in bindings)))
                else:
                    plan.filtered.append((sub, bindings))
        return plan


@dataclass
class _MatchPlan:
    """The subscribers to a (schema, table, type): those that take every such change, with the ids of
    their bindings that match, and those whose filters judge each row."""
    unfiltered: list[tuple["Subscription", tuple[int, ...]]]
    filtered: list[tuple["Subscription", list[Binding]]]


_TAILS = {vsn: "}" + frames.push_envelope("", "postgres_changes", vsn)[1] for vsn in frames.SUPPORTED_VSN}


def _change_head(sub: "Subscription", ids: tuple[int, ...]) -> str:
    """A postgres_changes push to `sub` up to its data, kept on the subscription (its topic, protocol
    version and bindings do not change)."""
    before, _ = frames.push_envelope(sub.topic, "postgres_changes", sub.conn.vsn)
    head = before + '{"ids":' + orjson.dumps(ids).decode() + ',"data":'
    if sub.change_heads is None:
        sub.change_heads = {}
    sub.change_heads[ids] = head
    return head


def _tables_of(sub: "Subscription") -> set[tuple[str, str] | None]:
    """The tables a subscriber's bindings name; None for a binding on every table or schema."""
    return {None if b.table in (None, "*") or b.schema == "*" else (b.schema, b.table) for b in sub.bindings}


def _epoch(timestamp: str) -> float:
    """A change's commit_timestamp ("2026-01-01T00:00:00.000Z") as Unix time."""
    return datetime.fromisoformat(timestamp).timestamp()


def _is_database_broadcast(change: dict[str, Any]) -> bool:
    return change["schema"] == "realtime" and change["table"] == "messages" and change["type"] == "INSERT"
