"""Which backups to keep: the newest of each of the last N days and of each of the last M ISO weeks.

Only folders named like a backup (`YYYY-MM-DDTHHMMSSZ`, maybe with a `-2` suffix) and holding a
manifest are considered; anything else in the folder is left alone. The newest backup is always kept.
"""
from __future__ import annotations

import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

from .manifest import NAME as MANIFEST

BACKUP_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{6}Z)(?:-(\d+))?$")


def taken_at(name: str) -> datetime | None:
    match = BACKUP_NAME.match(name)
    if not match:
        return None
    return datetime.strptime(match.group(1), "%Y-%m-%dT%H%M%SZ").replace(tzinfo=timezone.utc)


def _order(name: str) -> tuple[datetime, int]:
    match = BACKUP_NAME.match(name)
    assert match and (when := taken_at(name))
    return when, int(match.group(2) or 1)


def to_keep(names: list[str], keep_daily: int, keep_weekly: int) -> set[str]:
    """A pure choice over names, newest first: the first of each day / week until enough are kept."""
    ordered = sorted((n for n in names if taken_at(n)), key=_order, reverse=True)
    keep: set[str] = set(ordered[:1])
    days: list = []
    weeks: list = []
    for name in ordered:
        when = taken_at(name)
        assert when is not None
        day, week = when.date(), when.isocalendar()[:2]
        if day not in days:
            days.append(day)
            if len(days) <= keep_daily:
                keep.add(name)
        if week not in weeks:
            weeks.append(week)
            if len(weeks) <= keep_weekly:
                keep.add(name)
    return keep


def backups_in(root: Path) -> list[str]:
    if not root.is_dir():
        return []
    return sorted((p.name for p in root.iterdir() if p.is_dir() and taken_at(p.name) and (p / MANIFEST).is_file()),
                  key=_order)


def prune(root: Path, keep_daily: int, keep_weekly: int) -> list[str]:
    """Deletes the backups retention does not keep; returns their names."""
    names = backups_in(root)
    keep = to_keep(names, keep_daily, keep_weekly)
    removed = [name for name in names if name not in keep]
    for name in removed:
        shutil.rmtree(root / name)
    return removed
