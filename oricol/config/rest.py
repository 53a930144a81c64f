"""Configuration of the rest service, read from ORICOL_REST_* variables."""
from __future__ import annotations

from dataclasses import dataclass

from .env import Env


@dataclass(frozen=True)
class RestConfig:
    @classmethod
    def from_env(cls, env: Env, core: "CoreConfig") -> "RestConfig":
        return cls()


from .core import CoreConfig  # noqa: E402  (type name used in annotations only)
