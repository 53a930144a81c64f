"""Configuration of the mail catcher (the seed's Inbucket) and of outgoing mail."""
from __future__ import annotations

from dataclasses import dataclass

from .core import CoreConfig
from .env import Env


@dataclass(frozen=True)
class MailConfig:
    catcher_enabled: bool
    smtp_port: int
    http_port: int

    @classmethod
    def from_env(cls, env: Env, core: CoreConfig) -> "MailConfig":
        return cls(
            catcher_enabled=env.bool("ORICOL_MAIL_CATCHER", core.dev_mode),
            smtp_port=env.int("ORICOL_MAIL_SMTP_PORT", 2500, min=0, max=65535),
            http_port=env.int("ORICOL_MAIL_HTTP_PORT", 9000, min=0, max=65535),
        )
