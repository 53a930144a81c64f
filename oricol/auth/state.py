"""What every auth endpoint works with, built once when the service is created."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncpg

from oricol.config.auth import AuthConfig
from oricol.config.core import CoreConfig

from .limits import Limiter
from .passwords import PasswordHasher
from .provider_http import ProviderClient
from .tokens import Signer


@dataclass
class AuthState:
    config: AuthConfig
    core: CoreConfig
    pool: asyncpg.Pool  # the platform's admin pool: auth's tables are platform bookkeeping
    mailer: Any  # oricol.mail.mailer.Mailer
    signer: Signer
    limiter: Limiter
    hasher: PasswordHasher
    providers: ProviderClient = field(default_factory=ProviderClient)  # HTTP to OAuth/OIDC providers
