"""What the console needs from parts it must not import (the stack's health, the backups, the node's
metrics): plain callables the composition root (oricol.app) hands to the studio service."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Coroutine


async def _no_health() -> tuple[int, dict]:
    return 503, {"status": "unknown", "parts": {}}


async def _no_metrics() -> str:
    return ""


async def _no_backup() -> dict:
    raise RuntimeError("backups are not available on this server")


@dataclass(frozen=True)
class OpsHooks:
    health: Callable[[], Awaitable[tuple[int, dict]]] = _no_health  # what /health answers
    metrics_text: Callable[[], Awaitable[str]] = _no_metrics           # Prometheus text of the node
    backups: Callable[[], list[dict]] = list                           # finished backups, newest first
    run_backup: Callable[[], Coroutine[Any, Any, dict]] = _no_backup             # runs one now: {"name", "bytes"}
    backup_folder: Callable[[str], Path | None] = lambda name: None    # a backup's folder by exact name
