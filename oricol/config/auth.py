"""Configuration of the auth service, read from ORICOL_AUTH_* variables."""
from __future__ import annotations

from dataclasses import dataclass

from .env import Env


@dataclass(frozen=True)
class AuthConfig:
    @classmethod
    def from_env(cls, env: Env, core: "CoreConfig") -> "AuthConfig":
        return cls()


from .core import CoreConfig  # noqa: E402  (type name used in annotations only)
