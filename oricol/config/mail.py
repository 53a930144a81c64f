"""Configuration of the mail catcher (the seed's Inbucket) and of outgoing mail."""
from __future__ import annotations

from dataclasses import dataclass

from .core import CoreConfig
from .env import ConfigError, Env


@dataclass(frozen=True)
class MailConfig:
    catcher_enabled: bool
    smtp_port: int
    http_port: int
    # Inbucket's defaults: 10 MB per message, 500 messages per mailbox, 200 recipients per message.
    max_message_bytes: int
    mailbox_cap: int
    total_cap: int
    storage_cap_bytes: int
    max_recipients: int

    @classmethod
    def from_env(cls, env: Env, core: CoreConfig) -> "MailConfig":
        config = cls(
            catcher_enabled=env.bool("ORICOL_MAIL_CATCHER", core.dev_mode),
            smtp_port=env.int("ORICOL_MAIL_SMTP_PORT", 2500, min=0, max=65535),
            http_port=env.int("ORICOL_MAIL_HTTP_PORT", 9000, min=0, max=65535),
            max_message_bytes=env.int("ORICOL_MAIL_MAX_MESSAGE_BYTES", 10_240_000, min=1024),
            mailbox_cap=env.int("ORICOL_MAIL_MAILBOX_CAP", 500, min=1),
            total_cap=env.int("ORICOL_MAIL_TOTAL_CAP", 5000, min=1),
            storage_cap_bytes=env.int("ORICOL_MAIL_STORAGE_CAP_BYTES", 256 * 1024 * 1024, min=1024),
            max_recipients=env.int("ORICOL_MAIL_MAX_RECIPIENTS", 200, min=1),
        )
        if config.catcher_enabled and config.smtp_port and config.smtp_port == config.http_port:
            raise ConfigError("ORICOL_MAIL_SMTP_PORT and ORICOL_MAIL_HTTP_PORT must differ")
        return config
