"""Configuration of the realtime service, read from ORICOL_REALTIME_* variables."""
from __future__ import annotations

from dataclasses import dataclass

from .env import Env


@dataclass(frozen=True)
class RealtimeConfig:
    @classmethod
    def from_env(cls, env: Env, core: "CoreConfig") -> "RealtimeConfig":
        return cls()


from .core import CoreConfig  # noqa: E402  (type name used in annotations only)
