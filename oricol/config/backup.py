"""Configuration of backups, read from ORICOL_BACKUP_* variables.

Where backups go (default: `backups/` beside the data dir), how many to keep, and when the daily
backup inside `oricol start` runs (UTC, `HH:MM` or `HH:MM:SS`; seconds make the schedule testable).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from .env import ConfigError, Env

TIME_OF_DAY = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


@dataclass(frozen=True)
class BackupConfig:
    enabled: bool        # the daily backup inside `oricol start`; `oricol backup` works either way
    dir: Path
    keep_daily: int      # the newest backup of each of the last N days that have one
    keep_weekly: int     # the newest backup of each of the last M ISO weeks that have one
    daily_at: time       # UTC

    @classmethod
    def from_env(cls, env: Env, core: "CoreConfig") -> "BackupConfig":
        return cls(
            enabled=env.bool("ORICOL_BACKUP_ENABLED", True),
            # Under the data dir, like everything else a node keeps: "beside it" made /var/lib/oricol's
            # backups land in /var/lib/backups. Put them on another disk with ORICOL_BACKUP_DIR.
            dir=env.path("ORICOL_BACKUP_DIR", core.data_dir / "backups").resolve(),
            keep_daily=env.int("ORICOL_BACKUP_KEEP_DAILY", 7, min=0, max=10_000),
            keep_weekly=env.int("ORICOL_BACKUP_KEEP_WEEKLY", 4, min=0, max=10_000),
            daily_at=parse_time_of_day("ORICOL_BACKUP_AT", env.str("ORICOL_BACKUP_AT", "03:00")),
        )


def parse_time_of_day(name: str, value: str) -> time:
    match = TIME_OF_DAY.match(value.strip())
    hour, minute, second = (int(g or 0) for g in match.groups()) if match else (99, 0, 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ConfigError(f"{name} must be a UTC time of day as HH:MM or HH:MM:SS, got {value!r}")
    return time(hour, minute, second)


from .core import CoreConfig  # noqa: E402  (type name used in annotations only)
