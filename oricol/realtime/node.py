"""One process of the realtime deployment: its joined channels by topic, the presence table, and the
bus that links it to the other processes.

Whatever one client does (a broadcast, a presence change) is delivered at once to this process's
subscribers and published on the bus for the others; database changes arrive the same way from the
process that holds the replication slot.
"""
from __future__ import annotations

import asyncio
import base64
import logging
import time
import uuid
from typing import TYPE_CHECKING, Any, Callable, Iterable

from . import presence as presence_mod
from .bus import Bus
from .frames import Message

if TYPE_CHECKING:
    from .channel import Subscription

log = logging.getLogger("oricol.realtime")
_FOR_PEERS = ("b", "p", "c")  # broadcasts, presence and changes: only worth sending when another process listens


class Node:
    def __init__(self, bus: Bus, heartbeat_seconds: float):
        self.id = uuid.uuid4().hex
        self.bus = bus
        self.topics: dict[str, set["Subscription"]] = {}
        self.presence = presence_mod.PresenceTable()
        self.heartbeat_seconds = heartbeat_seconds
        self._peers: dict[str, float] = {}
        self._tasks: list[asyncio.Task] = []
        self.change_handler: Callable[[dict[str, Any]], None] | None = None

    # lifecycle -------------------------------------------------------------------------------
    async def start(self) -> None:
        await self.bus.start(self._on_bus)
        self._tasks.append(asyncio.create_task(self._liveness()))
        self._publish({"k": "hello"})

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        await self.bus.stop()

    # membership ------------------------------------------------------------------------------
    def add(self, sub: "Subscription") -> None:
        self.topics.setdefault(sub.topic, set()).add(sub)

    def remove(self, sub: "Subscription") -> None:
        subs = self.topics.get(sub.topic)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self.topics[sub.topic]
        self.untrack(sub)

    def subscriptions(self) -> Iterable["Subscription"]:
        for subs in self.topics.values():
            yield from subs

    # broadcast -------------------------------------------------------------------------------
    def broadcast(self, topic: str, payload: dict[str, Any], sender: "Subscription | None" = None) -> None:
        self._deliver_broadcast(topic, payload, sender)
        wire = dict(payload)
        if isinstance(wire.get("payload"), (bytes, bytearray)):
            wire["payload"] = base64.b64encode(wire["payload"]).decode()
            wire["binary"] = True
        self._publish({"k": "b", "t": topic, "p": wire})

    def deliver_here(self, topic: str, payload: dict[str, Any], *, private: bool) -> None:
        """A broadcast sent from the database: every process reads it with the batch of changes, so it goes
        to this process's channels only, and only to channels of its kind (private or public)."""
        message_id = payload.get("meta", {}).get("id")
        deliver([sub for sub in self.topics.get(topic, ()) if sub.private == private and message_id not in sub.replayed],
                Message(topic, "broadcast", payload))

    def _deliver_broadcast(self, topic: str, payload: dict[str, Any], sender: "Subscription | None") -> None:
        targets = [sub for sub in self.topics.get(topic, ()) if sub is not sender or sub.broadcast_self]
        deliver(targets, Message(topic, "broadcast", payload))

    # presence --------------------------------------------------------------------------------
    def track(self, sub: "Subscription", meta: dict[str, Any]) -> None:
        meta = {**meta, "phx_ref": presence_mod.new_ref()}
        entry = f"{self.id}/{sub.sid}"
        diff = self.presence.track(sub.topic, entry, sub.presence_key, meta)
        sub.tracked = True
        self._push_diff(sub.topic, diff)
        self._publish({"k": "p", "t": sub.topic, "j": {entry: [sub.presence_key, meta]}, "l": []})

    def untrack(self, sub: "Subscription") -> None:
        if not sub.tracked:
            return
        sub.tracked = False
        entry = f"{self.id}/{sub.sid}"
        diff = self.presence.untrack(sub.topic, entry)
        self._push_diff(sub.topic, diff)
        self._publish({"k": "p", "t": sub.topic, "j": {}, "l": [entry]})

    def _push_diff(self, topic: str, diff: presence_mod.Diff) -> None:
        if presence_mod.is_empty(diff):
            return
        deliver(self.topics.get(topic, ()), Message(topic, "presence_diff", diff))

    # changes ---------------------------------------------------------------------------------
    def publish_changes(self, batch: dict[str, Any]) -> None:
        """A batch of decoded database changes from the slot holder: here and everywhere else."""
        self._local_changes(batch)
        self._publish({"k": "c", "b": batch})

    def _local_changes(self, batch: dict[str, Any]) -> None:
        if self.change_handler is not None:
            self.change_handler(batch)

    # the bus ---------------------------------------------------------------------------------
    def _publish(self, message: dict[str, Any]) -> None:
        if message["k"] in _FOR_PEERS and not self._peers:
            return  # alone: every subscriber is here and already served (a process that starts says hello first)
        message["o"] = self.id
        asyncio.get_running_loop().create_task(self._send(message))

    async def _send(self, message: dict[str, Any]) -> None:
        try:
            await self.bus.publish(message)
        except Exception:
            log.warning("could not publish on the realtime bus", exc_info=True)

    def _on_bus(self, message: dict[str, Any]) -> None:
        origin = message.get("o")
        if origin == self.id or not isinstance(origin, str):
            return
        self._peers[origin] = time.monotonic()
        kind = message.get("k")
        if kind == "b":
            payload = dict(message["p"])
            if payload.pop("binary", False):
                payload["payload"] = base64.b64decode(payload["payload"])
            self._deliver_broadcast(message["t"], payload, None)
        elif kind == "p":
            joins = {entry: (key, meta) for entry, (key, meta) in message["j"].items()}
            self._push_diff(message["t"], self.presence.apply(message["t"], joins, message["l"]))
        elif kind == "c":
            self._local_changes(message["b"])
        elif kind == "hello":  # a process started: tell it we are here (it only publishes to known peers)
            self._publish({"k": "alive"})
            self._announce_presence()
        elif kind == "bye":
            self._drop_peer(origin)

    def _announce_presence(self) -> None:
        for topic, entries in self.presence.entries_of_node(self.id).items():
            self._publish({"k": "p", "t": topic, "j": {e: [k, m] for e, (k, m) in entries.items()}, "l": []})

    def _drop_peer(self, peer: str) -> None:
        self._peers.pop(peer, None)
        for topic, diff in self.presence.drop_node(peer).items():
            self._push_diff(topic, diff)

    async def _liveness(self) -> None:
        """Announce ourselves; forget the presences of processes that went silent."""
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            self._publish({"k": "alive"})
            limit = time.monotonic() - 3 * self.heartbeat_seconds
            for peer, seen in list(self._peers.items()):
                if seen < limit:
                    log.info("realtime peer went silent", extra={"peer": peer})
                    self._drop_peer(peer)

    async def goodbye(self) -> None:
        await self._send({"k": "bye", "o": self.id})


def deliver(targets: Iterable["Subscription"], message: Message) -> None:
    """One push to many sockets, encoded once per protocol version."""
    encoded: dict[str, str | bytes] = {}
    for sub in targets:
        conn = sub.conn
        frame = encoded.get(conn.vsn)
        if frame is None:
            frame = encoded[conn.vsn] = conn.encode(message)
        conn.send_frame(frame)
