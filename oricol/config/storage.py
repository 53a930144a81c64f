"""Configuration of the storage service, read from ORICOL_STORAGE_* variables."""
from __future__ import annotations

from dataclasses import dataclass

from .env import Env


@dataclass(frozen=True)
class StorageConfig:
    @classmethod
    def from_env(cls, env: Env, core: "CoreConfig") -> "StorageConfig":
        return cls()


from .core import CoreConfig  # noqa: E402  (type name used in annotations only)
