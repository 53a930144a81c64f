"""POST /token?grant_type=id_token (signInWithIdToken): a provider's OpenID Connect id_token for a session.

As GoTrue's IdTokenGrant: the provider is named (`google`, `azure`, `keycloak`, `oidc`) or found by its
issuer; the token must be signed by a key the issuer publishes (asymmetric only), be unexpired, carry
the issuer's `iss`, and be meant for one of the provider's client ids (`aud`). When either the request
or the token has a nonce both must, and the token's must be the SHA-256 (hex) of the request's: the app
sends the provider the hash and keeps the raw value, so a token stolen from elsewhere cannot be replayed.
The user is found or made exactly as the OAuth callback does; with `link_identity: true` and a session,
the identity is added to the signed-in user instead (identity_links).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any

import asyncpg
import jwt as pyjwt

from . import current, errors, external_accounts, identity_links, providers, sessions, txn
from .http import AuthRequest
from .provider_http import ProviderError

log = logging.getLogger("oricol.auth")
ID_TOKEN_PROVIDERS = ("google", "azure", "keycloak", "oidc")


def _bad(description: str, error: str = "invalid request") -> Exception:
    return errors.oauth_error(error, description)  # GoTrue answers this grant's refusals OAuth-style


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise errors.bad_json()
    return value or ""


async def grant(req: AuthRequest) -> dict[str, Any]:
    state = req.state
    await state.limiter.hit("sign_in", req.ip)
    body = await req.body()
    id_token, name, issuer = _text(body, "id_token"), _text(body, "provider").lower(), _text(body, "issuer")
    nonce, access_token, client_id = _text(body, "nonce"), _text(body, "access_token"), _text(body, "client_id")
    linking = body.get("link_identity", False)
    if not isinstance(linking, bool):
        raise errors.bad_json()
    if not id_token:
        raise _bad("id_token required")
    if not name and (not client_id or not issuer):
        raise _bad("provider or client_id and issuer required")
    target_id = None
    if linking:
        if not req.request.headers.get("authorization"):
            raise _bad("Linking requires a valid user access token in Authorization")
        async with state.pool.acquire() as conn:
            target_id = (await current.load(req, conn)).user["id"]
    provider = _provider(state.config.external, name, issuer)
    claims = await _verified_claims(req, provider, id_token, access_token)
    if not claims.get("sub"):
        raise _bad("Missing sub claim in id_token")
    audiences = claims["aud"] if isinstance(claims.get("aud"), list) else [claims.get("aud")]
    accepted = {provider.config.client_id, *provider.config.id_token_client_ids} - {""}
    if not accepted.intersection(a for a in audiences if isinstance(a, str)):
        raise _bad(f"Unacceptable audience in id_token: [{' '.join(str(a) for a in audiences)}]")
    _check_nonce(nonce, claims.get("nonce"))
    data = provider.from_id_claims(claims)

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        if target_id is not None:
            user = await identity_links.link(conn, state, target_id, provider.name, data, req.ip,
                                             state.config.site_url)
        else:
            user = await external_accounts.resolve(conn, state, provider.name, data, req.ip, state.config.site_url)
        return await sessions.sign_in(conn, state, user, "oauth", req.ip, req.request.headers.get("user-agent"),
                                      provider=provider.name)
    return await txn.run(state.pool, work)


def _provider(configs: dict[str, Any], name: str, issuer: str) -> providers.OpenIDConnect:
    """The provider named, or the one whose issuer the request names; GoTrue's refusals otherwise."""
    if not name:
        name = next((n for n in ID_TOKEN_PROVIDERS if configs.get(n) is not None and configs[n].enabled
                     and _issuer_of(providers.KINDS[n](configs[n])) == issuer.rstrip("/")), "")
        if not name and issuer.rstrip("/") == "https://accounts.google.com":
            name = "google"
    if name not in ID_TOKEN_PROVIDERS or configs.get(name) is None:
        raise errors.validation(f'Custom OIDC provider "{name}" not allowed')
    provider = providers.KINDS[name](configs[name])
    if not isinstance(provider, providers.OpenIDConnect):  # every ID_TOKEN_PROVIDERS kind is one
        raise errors.validation(f'Custom OIDC provider "{name}" not allowed')
    if not provider.config.enabled:
        raise errors.error(400, "provider_disabled", f'Provider (issuer "{_issuer_of(provider)}") is not enabled')
    return provider


def _issuer_of(provider: providers.Provider) -> str:
    if isinstance(provider, providers.Azure):
        return provider.authority() + "/v2.0"
    if type(provider) is providers.OpenIDConnect:  # keycloak/oidc: the configured issuer, if any
        return provider.config.url or ""
    return provider.issuer() if isinstance(provider, providers.OpenIDConnect) else ""


async def _verified_claims(req: AuthRequest, provider: providers.OpenIDConnect, id_token: str,
                           access_token: str) -> dict[str, Any]:
    """Signature, issuer and times checked against the issuer's published keys: else "Bad ID token"."""
    client = req.state.providers
    try:
        if isinstance(provider, providers.Azure):
            issuer = _unverified_issuer(id_token)
            if not provider.expected_issuer(issuer):
                raise ProviderError(f"azure: ID token issuer {issuer!r} is not this application's tenant")
        else:
            issuer = provider.issuer()
        document = await client.discover(issuer)
        return await client.verify_id_token(id_token, issuers=provider.accepted_issuers(issuer),
                                            jwks_uri=document["jwks_uri"], client_id=None, nonce=None,
                                            access_token=access_token or None)
    except ProviderError as err:
        log.info("id_token grant refused for %s: %s", provider.name, err)
        raise _bad("Bad ID token") from None


def _unverified_issuer(id_token: str) -> str:
    try:
        issuer = pyjwt.decode(id_token, options={"verify_signature": False}).get("iss")
    except pyjwt.PyJWTError:
        raise ProviderError("not a JWT") from None
    if not isinstance(issuer, str):
        raise ProviderError("no issuer")
    return issuer


def _check_nonce(sent: str, in_token: Any) -> None:
    token_nonce = in_token if isinstance(in_token, str) else ""
    if bool(sent) != bool(token_nonce):
        raise _bad("Passed nonce and nonce in id_token should either both exist or not.")
    if sent and not hmac.compare_digest(hashlib.sha256(sent.encode()).hexdigest(), token_nonce):
        raise _bad("Nonces mismatch", error="invalid nonce")
