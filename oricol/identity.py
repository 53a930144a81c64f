"""Who is calling: what the gateway verified, handed to the services in the ASGI scope.

The gateway checks the API key and the bearer token once; the services read the result here. A bad
bearer token is not turned into `anon`: it is kept as the error, for each service to answer in its
own wire format (PostgREST, GoTrue and Storage each word it differently).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, MutableMapping

from oricol.db import ANON, Caller
from oricol.jwt import JwtError

SCOPE_KEY = "oricol.identity"
# The request's headers as the gateway decoded them (lower-case names, latin-1 values), handed on in the
# scope so a service does not decode them a second time per request. Read-only for the services.
HEADERS_KEY = "oricol.headers"


@dataclass(frozen=True)
class Identity:
    apikey: str | None
    apikey_role: str | None
    bearer: str | None
    caller: Caller | None
    jwt_error: JwtError | None
    request_id: str

    def require_caller(self) -> Caller:
        """The verified caller, or the token's error for the service to render."""
        if self.jwt_error is not None:
            raise self.jwt_error
        return self.caller or ANON

    @property
    def is_service_role(self) -> bool:
        return self.caller is not None and self.caller.role == "service_role" and self.jwt_error is None


def identity_of(scope: MutableMapping[str, Any]) -> Identity:
    identity: Identity | None = scope.get(SCOPE_KEY)
    if identity is None:
        # A service app used without the gateway (unit tests): nobody verified anything.
        return Identity(None, None, None, None, None, "-")
    return identity
