"""Configuration of the helpdesk's mail: notifications sent from the outbox, and email to ticket.

Outgoing mail uses the same relay as auth (ORICOL_SMTP_*), or the built-in catcher in development.
Links in mails point at ORICOL_SITE_URL when it is set, else at the public URL (the web app is
served by the gateway). The inbound listener is off until ORICOL_HELPDESK_INBOUND_PORT is set.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .auth import SmtpRelay
from .env import ConfigError, Env

UNKNOWN_SENDER_POLICIES = ("create", "reject")


@dataclass(frozen=True)
class HelpdeskMailConfig:
    notify_enabled: bool         # the outbox job inside `oricol start`
    sender: str                  # From: of notifications, e.g. "Oricol Helpdesk <support@example.com>"
    relay: SmtpRelay | None      # the operator's relay (ORICOL_SMTP_*, as auth's), or None: the catcher
    link_base: str               # ticket links are link_base + /tickets/HD-1001
    templates_dir: Path | None   # an operator's overrides of the packaged templates
    poll_seconds: float
    batch_size: int
    max_attempts: int
    retry_base_seconds: float    # attempt n waits base × 2^(n-1), at most retry_max_seconds
    retry_max_seconds: float
    sla_warn_minutes: int        # "about to breach": due within this many minutes
    inbound_port: int            # 0 = no inbound listener
    inbound_host: str
    support_address: str
    unknown_senders: str         # create | reject (a helpdesk.settings row 'unknown_sender_policy' overrides)
    inbound_max_bytes: int

    @classmethod
    def from_env(cls, env: Env, core: "CoreConfig", relay: "SmtpRelay | None" = None) -> "HelpdeskMailConfig":
        support = env.str("ORICOL_HELPDESK_SUPPORT_ADDRESS", "support@oricol.local").strip()
        if "@" not in support or " " in support or "<" in support:
            raise ConfigError(f"ORICOL_HELPDESK_SUPPORT_ADDRESS must be a bare address like support@example.com, got {support!r}")
        templates = env.opt("ORICOL_HELPDESK_TEMPLATES_DIR")
        if templates and not Path(templates).expanduser().is_dir():
            raise ConfigError(f"ORICOL_HELPDESK_TEMPLATES_DIR {templates!r} is not a folder")
        config = cls(
            notify_enabled=env.bool("ORICOL_HELPDESK_NOTIFY", True),
            sender=env.str("ORICOL_HELPDESK_MAIL_FROM", f"Oricol Helpdesk <{support}>"),
            relay=relay,
            link_base=(env.opt("ORICOL_SITE_URL") or core.public_url).rstrip("/"),
            templates_dir=Path(templates).expanduser().resolve() if templates else None,
            poll_seconds=env.float("ORICOL_HELPDESK_NOTIFY_POLL_SECONDS", 5.0, min=0.05),
            batch_size=env.int("ORICOL_HELPDESK_NOTIFY_BATCH", 20, min=1, max=1000),
            max_attempts=env.int("ORICOL_HELPDESK_NOTIFY_MAX_ATTEMPTS", 6, min=1, max=100),
            retry_base_seconds=env.float("ORICOL_HELPDESK_NOTIFY_RETRY_SECONDS", 60.0, min=0.0),
            retry_max_seconds=env.float("ORICOL_HELPDESK_NOTIFY_RETRY_MAX_SECONDS", 6 * 3600.0, min=0.0),
            sla_warn_minutes=env.int("ORICOL_HELPDESK_SLA_WARN_MINUTES", 60, min=1, max=7 * 24 * 60),
            inbound_port=env.int("ORICOL_HELPDESK_INBOUND_PORT", 0, min=0, max=65535),
            inbound_host=env.str("ORICOL_HELPDESK_INBOUND_HOST", core.host),
            support_address=support.lower(),
            unknown_senders=env.choice("ORICOL_HELPDESK_UNKNOWN_SENDERS", "create", UNKNOWN_SENDER_POLICIES),
            inbound_max_bytes=env.int("ORICOL_HELPDESK_INBOUND_MAX_BYTES", 25 * 1024 * 1024, min=1024),
        )
        if config.inbound_port and config.inbound_port == core.port:
            raise ConfigError("ORICOL_HELPDESK_INBOUND_PORT must differ from ORICOL_PORT")
        return config


from .core import CoreConfig  # noqa: E402  (type name used in annotations only)
