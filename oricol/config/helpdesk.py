"""Configuration of the Oricol Helpdesk, read from ORICOL_HELPDESK* variables.

`ORICOL_HELPDESK=false` runs the bare platform: no helpdesk migrations, no helpdesk jobs, and REST
exposes only `public` by default.
"""
from __future__ import annotations

from dataclasses import dataclass

from .env import Env


@dataclass(frozen=True)
class HelpdeskConfig:
    enabled: bool = True
    sla_check_seconds: int = 60  # how often open tickets past their due times get their breach flags

    @classmethod
    def from_env(cls, env: Env, core: "CoreConfig") -> "HelpdeskConfig":
        return cls(
            enabled=env.bool("ORICOL_HELPDESK", True),
            sla_check_seconds=env.int("ORICOL_HELPDESK_SLA_CHECK_SECONDS", 60, min=1, max=86_400),
        )


from .core import CoreConfig  # noqa: E402  (type name used in annotations only)
