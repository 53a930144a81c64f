"""The backups in the backup folder as plain data, for consoles (Studio's Operations screen): the same
facts `oricol backups` prints, and the folder of one backup found by its exact name only."""
from __future__ import annotations

from pathlib import Path

from . import manifest, retention


def describe(root: Path) -> list[dict]:
    """Every finished backup, newest first: name, when, bytes, object count, versions."""
    out = []
    for name in reversed(retention.backups_in(root)):
        taken = retention.taken_at(name)
        entry: dict = {"name": name, "taken_at": taken.isoformat() if taken else None}
        try:
            data = manifest.read(root / name)
            entry.update(bytes=data["total_bytes"], objects=data["storage"]["objects"],
                         oricol_version=data["oricol_version"],
                         postgres_version=data["postgres"]["server_version"])
        except (manifest.BackupInvalid, KeyError, TypeError):
            entry["error"] = "unreadable manifest"
        out.append(entry)
    return out


def folder_of(root: Path, name: str) -> Path | None:
    """The folder of the backup called `name`, never a path outside the backup folder."""
    return root / name if name in retention.backups_in(root) else None
