"""Typed configuration, read in one place: `load()` returns every service's frozen settings.

Variables come from the environment (`ORICOL_*`) over the `.env` file. Each service owns one
dataclass in this package; `load` validates all of them, so a bad value stops the start with a
message naming the variable.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any, Mapping

from .auth import AuthConfig
from .backup import BackupConfig
from .core import ALL_SERVICES, CoreConfig
from .env import ConfigError, Env
from .gateway import GatewayConfig
from .helpdesk import HelpdeskConfig
from .helpdesk_mail import HelpdeskMailConfig
from .mail import MailConfig
from .meta import MetaConfig
from .realtime import RealtimeConfig
from .rest import RestConfig
from .storage import StorageConfig
from .studio import StudioConfig

__all__ = ["Config", "ConfigError", "Env", "load", "ALL_SERVICES", "masked"]

SECRET_WORDS = ("secret", "key", "password", "token")


@dataclass(frozen=True)
class Config:
    core: CoreConfig
    gateway: GatewayConfig
    rest: RestConfig
    auth: AuthConfig
    storage: StorageConfig
    realtime: RealtimeConfig
    mail: MailConfig
    backup: BackupConfig
    meta: MetaConfig
    helpdesk_mail: HelpdeskMailConfig
    helpdesk: HelpdeskConfig = HelpdeskConfig()
    studio: StudioConfig = StudioConfig()


def from_env(env: Env) -> Config:
    core = CoreConfig.from_env(env)
    helpdesk = HelpdeskConfig.from_env(env, core)
    auth = AuthConfig.from_env(env, core)
    return Config(
        core=core,
        gateway=GatewayConfig.from_env(env, core),
        rest=RestConfig.from_env(env, core, helpdesk=helpdesk.enabled),
        auth=auth,
        storage=StorageConfig.from_env(env, core),
        realtime=RealtimeConfig.from_env(env, core),
        mail=MailConfig.from_env(env, core),
        backup=BackupConfig.from_env(env, core),
        meta=MetaConfig.from_env(env, core),
        helpdesk_mail=HelpdeskMailConfig.from_env(env, core, relay=auth.smtp),
        helpdesk=helpdesk,
        studio=StudioConfig.from_env(env, core),
    )


def load(env_file: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    return from_env(Env.load(env_file, environ))


def masked(config: Any) -> dict[str, Any]:
    """The configuration as plain data with every secret-looking value masked, for `oricol config`."""
    out: dict[str, Any] = {}
    for f in fields(config):
        value = getattr(config, f.name)
        if isinstance(value, dict):
            out[f.name] = {k: (masked(v) if is_dataclass(v) else v) for k, v in value.items()}
        elif is_dataclass(value):
            out[f.name] = masked(value)
        elif isinstance(value, str) and any(word in f.name for word in SECRET_WORDS):
            out[f.name] = value[:4] + "…" if len(value) > 8 else "****"
        elif f.name.endswith("url") and isinstance(value, str) and "@" in value:
            scheme, _, rest = value.partition("://")
            out[f.name] = f"{scheme}://****@{rest.rpartition('@')[2]}"
        else:
            out[f.name] = str(value) if isinstance(value, Path) else value
    return out
