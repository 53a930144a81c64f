"""Features this server does not offer, answered as GoTrue answers them when they are turned off, so
the clients (signInWithSSO, signInWithWeb3, the SSO admin API) show GoTrue's words rather than a bare
route-not-found: SAML 2.0 single sign-on and Web3 (Solana/Ethereum) sign-in."""
from __future__ import annotations

from typing import NoReturn

from . import errors
from .http import AuthRequest


async def saml_disabled(req: AuthRequest) -> NoReturn:
    """Every /sso and /admin/sso route: GoTrue's requireSAMLEnabled answers 404 with its own code."""
    raise errors.error(404, errors.SAML_PROVIDER_DISABLED, "SAML 2.0 is disabled")


async def web3_grant(req: AuthRequest) -> NoReturn:
    """POST /token?grant_type=web3 with neither chain enabled."""
    raise errors.error(422, "web3_provider_disabled", "Web3 provider is disabled")


ROUTES = (
    ("/sso", ("POST",), saml_disabled),
    ("/sso/saml/metadata", ("GET",), saml_disabled),
    ("/sso/saml/acs", ("GET", "POST"), saml_disabled),
    ("/admin/sso/providers", ("GET", "POST"), saml_disabled),
    ("/admin/sso/providers/{provider_id}", ("GET", "PUT", "DELETE"), saml_disabled),
)
