"""Caught messages on disk: `<id>.eml` (the source as received) beside `<id>.json` (what lists show).

The JSON file is written last, so a message exists once its JSON does; `load` discards halves left
by a crash. An index of every message is kept in memory (the caps keep it small). Methods block on
file I/O and take a lock: callers in the event loop run them with `asyncio.to_thread`.
"""
from __future__ import annotations

import builtins
import logging
import os
import re
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson

log = logging.getLogger("oricol.mail")

ID_PATTERN = re.compile(r"^\d{8}T\d{6}-\d{4,}$")


@dataclass(frozen=True)
class Caps:
    per_mailbox: int
    total: int
    total_bytes: int


@dataclass
class Meta:
    id: str
    seq: int
    mailbox: str
    sender: str
    to: list[str]
    subject: str
    date: float  # when it was received, seconds since the epoch
    size: int
    seen: bool = False


class MailStore:
    def __init__(self, root: Path, caps: Caps):
        self.root = root
        self.caps = caps
        self._lock = threading.Lock()
        self._index: dict[str, Meta] = {}  # in arrival order, oldest first
        self._bytes = 0
        self._seq = 0

    # --- reading ---------------------------------------------------------------------------

    def load(self) -> None:
        with self._lock:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            metas = [meta for meta in map(self._read_meta, self.root.glob("*.json")) if meta is not None]
            metas.sort(key=lambda meta: meta.seq)
            self._index = {meta.id: meta for meta in metas}
            self._bytes = sum(meta.size for meta in metas)
            self._seq = metas[-1].seq if metas else 0
            self._discard_orphans()
            self._enforce_caps(keep=None)

    def mailboxes(self) -> list[tuple[str, int, int]]:
        """(name, messages, unseen) for every mailbox, by name."""
        with self._lock:
            counts: dict[str, list[int]] = {}
            for meta in self._index.values():
                entry = counts.setdefault(meta.mailbox, [0, 0])
                entry[0] += 1
                entry[1] += not meta.seen
            return [(name, total, unseen) for name, (total, unseen) in sorted(counts.items())]

    # `list` below is the method: later annotations spell the type `builtins.list`.
    def list(self, mailbox: str) -> list[Meta]:
        with self._lock:
            return [_copy(meta) for meta in self._index.values() if meta.mailbox == mailbox]

    def get(self, mailbox: str, message_id: str) -> Meta | None:
        with self._lock:
            meta = self._find(mailbox, message_id)
            return _copy(meta) if meta else None

    def source(self, mailbox: str, message_id: str) -> tuple[Meta, bytes] | None:
        with self._lock:
            meta = self._find(mailbox, message_id)
            if meta is None:
                return None
            try:
                return _copy(meta), self._path(meta.id, ".eml").read_bytes()
            except FileNotFoundError:  # removed behind our back: forget it
                self._drop(meta)
                return None

    @property
    def count(self) -> int:
        return len(self._index)

    @property
    def stored_bytes(self) -> int:
        return self._bytes

    # --- writing ---------------------------------------------------------------------------

    def add(self, mailbox: str, raw: bytes, sender: str, to: builtins.list[str], subject: str) -> Meta:
        with self._lock:
            self._seq += 1
            now = time.time()
            message_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f"-{self._seq:04d}"
            meta = Meta(id=message_id, seq=self._seq, mailbox=mailbox, sender=sender, to=to,
                        subject=subject, date=now, size=len(raw))
            try:
                _write_atomic(self._path(message_id, ".eml"), raw)
                _write_atomic(self._path(message_id, ".json"), orjson.dumps(asdict(meta)))
            except OSError:
                self._path(message_id, ".eml").unlink(missing_ok=True)
                raise
            self._index[message_id] = meta
            self._bytes += meta.size
            self._enforce_caps(keep=meta)
            return _copy(meta)

    def mark_seen(self, mailbox: str, message_id: str) -> bool:
        with self._lock:
            meta = self._find(mailbox, message_id)
            if meta is None:
                return False
            if not meta.seen:
                meta.seen = True
                _write_atomic(self._path(meta.id, ".json"), orjson.dumps(asdict(meta)))
            return True

    def delete(self, mailbox: str, message_id: str) -> bool:
        with self._lock:
            meta = self._find(mailbox, message_id)
            if meta is None:
                return False
            self._drop(meta)
            return True

    def purge(self, mailbox: str) -> int:
        with self._lock:
            doomed = [meta for meta in self._index.values() if meta.mailbox == mailbox]
            for meta in doomed:
                self._drop(meta)
            return len(doomed)

    # --- inside the lock -------------------------------------------------------------------

    def _find(self, mailbox: str, message_id: str) -> Meta | None:
        meta = self._index.get(message_id) if ID_PATTERN.match(message_id) else None
        return meta if meta is not None and meta.mailbox == mailbox else None

    def _path(self, message_id: str, suffix: str) -> Path:
        return self.root / f"{message_id}{suffix}"

    def _drop(self, meta: Meta) -> None:
        # The JSON goes first: a crash in between leaves an orphan source, which `load` removes.
        for suffix in (".json", ".eml"):
            self._path(meta.id, suffix).unlink(missing_ok=True)
        if self._index.pop(meta.id, None) is not None:
            self._bytes -= meta.size

    def _enforce_caps(self, keep: Meta | None) -> None:
        """Oldest first: the mailbox that just received over its cap, then the whole store."""
        if keep is not None:
            in_box = [meta for meta in self._index.values() if meta.mailbox == keep.mailbox]
            for meta in in_box[: max(0, len(in_box) - self.caps.per_mailbox)]:
                self._drop(meta)
        else:
            per_box: dict[str, list[Meta]] = {}
            for meta in self._index.values():
                per_box.setdefault(meta.mailbox, []).append(meta)
            for metas in per_box.values():
                for meta in metas[: max(0, len(metas) - self.caps.per_mailbox)]:
                    self._drop(meta)
        while len(self._index) > 1 and (len(self._index) > self.caps.total or self._bytes > self.caps.total_bytes):
            self._drop(next(iter(self._index.values())))

    def _read_meta(self, path: Path) -> Meta | None:
        try:
            meta = Meta(**orjson.loads(path.read_bytes()))
            typed = isinstance(meta.id, str) and isinstance(meta.seq, int) and isinstance(meta.size, int)
            if typed and ID_PATTERN.match(meta.id) and path.stem == meta.id and self._path(meta.id, ".eml").is_file():
                return meta
        except (OSError, TypeError, ValueError):
            pass
        log.warning("mail catcher: discarding an unreadable stored message", extra={"file": path.name})
        path.unlink(missing_ok=True)
        return None

    def _discard_orphans(self) -> None:
        for path in self.root.iterdir():
            orphan = path.suffix == ".eml" and path.stem not in self._index
            if orphan or path.name.endswith(".tmp"):
                path.unlink(missing_ok=True)


def _copy(meta: Meta) -> Meta:
    return Meta(**{**asdict(meta), "to": list(meta.to)})


def _write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)
