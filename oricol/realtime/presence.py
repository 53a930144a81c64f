"""Who is present on each topic, across every process of the deployment.

Each process holds the whole table: its own clients' entries and the entries other processes announced
on the bus. An entry id is `<node id>/<subscription id>`, so when a process disappears its entries can be
dropped (and the leaves announced) by the survivors.
"""
from __future__ import annotations

import secrets
from typing import Any

Diff = dict[str, dict[str, dict[str, list[dict[str, Any]]]]]


def new_ref() -> str:
    return secrets.token_urlsafe(9)


def empty_diff() -> Diff:
    return {"joins": {}, "leaves": {}}


def _add(side: dict, key: str, meta: dict[str, Any]) -> None:
    side.setdefault(key, {"metas": []})["metas"].append(meta)


class PresenceTable:
    def __init__(self) -> None:
        self._topics: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}

    def track(self, topic: str, entry_id: str, key: str, meta: dict[str, Any]) -> Diff:
        """Track (or re-track: a leave of the old meta and a join of the new) one entry."""
        diff = self.untrack(topic, entry_id)
        self._topics.setdefault(topic, {})[entry_id] = (key, meta)
        _add(diff["joins"], key, meta)
        return diff

    def untrack(self, topic: str, entry_id: str) -> Diff:
        diff = empty_diff()
        entries = self._topics.get(topic)
        if not entries or entry_id not in entries:
            return diff
        key, meta = entries.pop(entry_id)
        if not entries:
            del self._topics[topic]
        _add(diff["leaves"], key, meta)
        return diff

    def apply(self, topic: str, joins: dict[str, tuple[str, dict]], leaves: list[str]) -> Diff:
        """A diff announced by another process: entries by id."""
        diff = empty_diff()
        for entry_id in leaves:
            part = self.untrack(topic, entry_id)
            for key, value in part["leaves"].items():
                for meta in value["metas"]:
                    _add(diff["leaves"], key, meta)
        for entry_id, (key, meta) in joins.items():
            part = self.track(topic, entry_id, key, meta)
            for side in ("joins", "leaves"):
                for k, value in part[side].items():
                    for m in value["metas"]:
                        _add(diff[side], k, m)
        return diff

    def state(self, topic: str) -> dict[str, dict[str, list[dict[str, Any]]]]:
        result: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for key, meta in self._topics.get(topic, {}).values():
            _add(result, key, meta)
        return result

    def entries_of_node(self, node_id: str) -> dict[str, dict[str, tuple[str, dict]]]:
        prefix = node_id + "/"
        found: dict[str, dict[str, tuple[str, dict]]] = {}
        for topic, entries in self._topics.items():
            for entry_id, value in entries.items():
                if entry_id.startswith(prefix):
                    found.setdefault(topic, {})[entry_id] = value
        return found

    def drop_node(self, node_id: str) -> dict[str, Diff]:
        """Forget a vanished process's entries; the leaves per topic, to announce to local clients."""
        diffs: dict[str, Diff] = {}
        for topic, entries in self.entries_of_node(node_id).items():
            diffs[topic] = self.apply(topic, {}, list(entries))
        return diffs


def is_empty(diff: Diff) -> bool:
    return not diff["joins"] and not diff["leaves"]
