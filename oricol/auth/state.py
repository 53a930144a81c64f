"""What every auth endpoint works with, built once when the service is created."""
from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg

from oricol.config.auth import AuthConfig
from oricol.config.core import CoreConfig
from oricol.mailer import Mailer

from .limits import Limiter
from .passwords import PasswordHasher
from .provider_http import ProviderClient
from .sms import SmsSender
from .tokens import Signer


@dataclass
class AuthState:
    config: AuthConfig
    core: CoreConfig
    pool: asyncpg.Pool  # the platform's admin pool: auth's tables are platform bookkeeping
    mailer: Mailer | None  # None: mails are not sent (no relay and no catcher)
    signer: Signer
    limiter: Limiter
    hasher: PasswordHasher
    providers: ProviderClient = field(default_factory=ProviderClient)  # HTTP to OAuth/OIDC providers
    sms: SmsSender | None = None  # the send-SMS hook; None when phone sign-in is off
