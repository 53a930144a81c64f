"""Configuration of the Studio console's own login (ORICOL_STUDIO_* variables); the credentials
themselves are the core's ORICOL_DASHBOARD_USERNAME / ORICOL_DASHBOARD_PASSWORD."""
from __future__ import annotations

from dataclasses import dataclass

from .env import Env


@dataclass(frozen=True)
class StudioConfig:
    session_seconds: int = 12 * 3600  # how long a console sign-in lasts (the cookie's Max-Age)
    failed_logins: int = 5            # failed sign-ins allowed per client IP and window ...
    failed_window_seconds: int = 300  # ... of this many seconds

    @classmethod
    def from_env(cls, env: Env, core: "CoreConfig") -> "StudioConfig":
        return cls(
            session_seconds=env.int("ORICOL_STUDIO_SESSION_SECONDS", 12 * 3600, min=60, max=30 * 86400),
            failed_logins=env.int("ORICOL_STUDIO_FAILED_LOGINS", 5, min=1, max=10_000),
            failed_window_seconds=env.int("ORICOL_STUDIO_FAILED_WINDOW_SECONDS", 300, min=1, max=86400),
        )


from .core import CoreConfig  # noqa: E402  (type name used in annotations only)
