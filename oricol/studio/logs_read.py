"""Reading the node's JSON request log (data/logs/oricol.jsonl, as `oricol logs` does) from its end,
with the console's filters, without loading a 20 MB file for every poll of the live tail."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import orjson

CHUNK = 256 * 1024
MAX_SCAN_BYTES = 16 * 1024 * 1024  # a search stops after this much of the file, newest first


@dataclass(frozen=True)
class LogFilter:
    service: str | None = None
    status: str | None = None   # "404", or a class: "4xx", "5xx"
    path: str | None = None     # substring of the path
    user: str | None = None     # user_id, exact
    level: str | None = None
    text: str | None = None     # substring of the whole line
    since: str | None = None    # ISO timestamps, compared as the log writes them (UTC, Z)
    until: str | None = None
    after: str | None = None    # live tail: only lines newer than this timestamp

    def matches(self, entry: dict, line: str) -> bool:
        ts = str(entry.get("ts", ""))
        checks = (
            self.service is None or entry.get("service") == self.service,
            self.status is None or _status_matches(entry.get("status"), self.status),
            self.path is None or self.path in str(entry.get("path", "")),
            self.user is None or entry.get("user_id") == self.user,
            self.level is None or entry.get("level") == self.level,
            self.text is None or self.text in line,
            self.since is None or ts >= self.since,
            self.until is None or ts <= self.until,
            self.after is None or ts > self.after,
        )
        return all(checks)


def _status_matches(status, wanted: str) -> bool:
    if status is None:
        return False
    if len(wanted) == 3 and wanted.endswith("xx"):
        return str(status)[:1] == wanted[0]
    return str(status) == wanted


def lines_backwards(path: Path, budget: int = MAX_SCAN_BYTES) -> Iterator[str]:
    """The file's complete lines, last first, reading at most `budget` bytes."""
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return
    with handle:
        position = handle.seek(0, os.SEEK_END)
        rest = b""
        read = 0
        while position > 0 and read < budget:
            size = min(CHUNK, position)
            position -= size
            handle.seek(position)
            block = handle.read(size) + rest
            read += size
            parts = block.split(b"\n")
            rest = parts[0]
            for raw in reversed(parts[1:]):
                if raw:
                    yield raw.decode("utf-8", "replace")
        if position == 0 and rest:
            yield rest.decode("utf-8", "replace")


def search(path: Path, wanted: LogFilter, limit: int) -> list[dict]:
    """Up to `limit` matching entries, newest first. Lines that are not JSON objects are skipped."""
    found: list[dict] = []
    for line in lines_backwards(path):
        try:
            entry = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(entry, dict):
            continue
        if wanted.after is not None and str(entry.get("ts", "")) <= wanted.after:
            break  # the tail has reached what the console already shows
        if wanted.matches(entry, line):
            found.append(entry)
            if len(found) >= limit:
                break
    return found
