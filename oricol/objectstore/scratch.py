"""Temporary files of one process, and the sweep that removes those of processes that died.

Each process stages uploads (and renders, restores) in its own folder, `<tmp>/<host>.<pid>`, so that
after a crash (kill -9, power loss) the next start can tell its leftovers from the live files of
another process sharing the same data dir, and delete only those. Partial resumable (TUS) uploads
are not scratch: they live in `<storage dir>/resumable` and survive restarts on purpose.
"""
from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

LEGACY_PREFIXES = ("up-", "render-", "restore-", "tus-")


def process_dir(base: Path) -> Path:
    return base / f"{socket.gethostname()}.{os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep(base: Path) -> int:
    """Removes the scratch folders of dead processes of this host; returns how many were removed."""
    if not base.is_dir():
        return 0
    host = socket.gethostname()
    removed = 0
    for entry in base.iterdir():
        name, _, pid = entry.name.rpartition(".")
        if entry.is_dir() and name == host and pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
        elif entry.is_file() and entry.name.startswith(LEGACY_PREFIXES):
            entry.unlink(missing_ok=True)  # from before per-process folders; no process owns them now
            removed += 1
    return removed
