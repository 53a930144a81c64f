"""Configuration of the realtime service, read from ORICOL_REALTIME_* variables."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .env import ConfigError, Env

_SLOT_NAME = re.compile(r"^[a-z0-9_]{1,63}$")


@dataclass(frozen=True)
class RealtimeConfig:
    # Seconds without any frame (clients heartbeat every 25-30 s) before a socket is closed.
    idle_timeout: float = 60.0
    # The logical replication slot; None means one derived from the database name.
    slot_name: str | None = None
    # How long the change reader sleeps when the slot had nothing new (milliseconds).
    poll_interval_ms: int = 20
    # Most changes decoded per read of the slot (a read always ends on a transaction boundary).
    max_changes_per_read: int = 2000
    # Bytes waiting for a client that does not read them before its socket is dropped.
    max_pending_bytes: int = 8 * 1024 * 1024
    # Largest frame accepted from a client, in bytes.
    max_frame_bytes: int = 1024 * 1024
    # Seconds a new slot holder waits before its first read, so clients of a restarted server can
    # reconnect (realtime-js retries after 1-2 s) and receive the changes committed while it was down.
    resume_grace_seconds: float = 3.0
    # Seconds between liveness announcements of this process on the fan-out bus.
    node_heartbeat_seconds: float = 2.0

    @classmethod
    def from_env(cls, env: Env, core: "CoreConfig") -> "RealtimeConfig":
        slot = env.opt("ORICOL_REALTIME_SLOT_NAME")
        if slot is not None and not _SLOT_NAME.match(slot):
            raise ConfigError("ORICOL_REALTIME_SLOT_NAME must be 1-63 characters of a-z, 0-9 and _")
        return cls(
            idle_timeout=env.float("ORICOL_REALTIME_IDLE_TIMEOUT", 60.0, min=1.0),
            slot_name=slot,
            poll_interval_ms=env.int("ORICOL_REALTIME_POLL_MS", 20, min=1, max=10_000),
            max_changes_per_read=env.int("ORICOL_REALTIME_MAX_CHANGES_PER_READ", 2000, min=1),
            max_pending_bytes=env.int("ORICOL_REALTIME_MAX_PENDING_BYTES", 8 * 1024 * 1024, min=64 * 1024),
            max_frame_bytes=env.int("ORICOL_REALTIME_MAX_FRAME_BYTES", 1024 * 1024, min=1024),
            resume_grace_seconds=env.float("ORICOL_REALTIME_RESUME_GRACE", 3.0, min=0.0),
            node_heartbeat_seconds=env.float("ORICOL_REALTIME_NODE_HEARTBEAT", 2.0, min=0.1),
        )


from .core import CoreConfig  # noqa: E402  (type name used in annotations only)
