"""The third-party sign-in providers: where each sends the browser, and who it says signed in.

Each provider turns its own answers into GoTrue's shape: a list of email addresses (verified,
primary) and the identity data GoTrue stores in `auth.identities.identity_data` (its `Claims`:
`iss`, `sub`, `name`, `email`, `email_verified`, `avatar_url`, `full_name`, `provider_id`, …).
GitHub and GitLab are plain OAuth 2 plus their REST APIs; Google, Azure (Microsoft Entra ID) and the
generic OpenID Connect provider (`oidc`, and `keycloak`) give an id_token checked against the
issuer's keys, carrying the nonce we sent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from oricol.config.auth import ExternalProvider

from .provider_http import ProviderClient, ProviderError, TokenSet

# GoTrue's Claims fields, in the order it names them; `email_verified`/`phone_verified` are always kept.
CLAIM_KEYS = ("iss", "sub", "name", "family_name", "given_name", "middle_name", "nickname", "preferred_username",
              "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at", "email",
              "email_verified", "phone", "phone_verified", "custom_claims", "full_name", "avatar_url", "slug",
              "provider_id", "user_name")
ALWAYS_KEPT = ("email_verified", "phone_verified")


@dataclass
class Email:
    address: str
    verified: bool
    primary: bool


@dataclass
class UserData:
    emails: list[Email]
    claims: dict[str, Any]  # becomes identity_data (and is merged into user_metadata)


@dataclass(frozen=True)
class Endpoints:
    authorize: str
    token: str
    discovery: dict[str, Any] | None = None  # OIDC providers' configuration


def claims(**values: Any) -> dict[str, Any]:
    """GoTrue's Claims as a map: empty values left out, except the two verified flags."""
    out = {}
    for key in CLAIM_KEYS:
        value = values.get(key)
        if key in ALWAYS_KEPT:
            out[key] = bool(value)
        elif value not in (None, "", {}, []):
            out[key] = value
    return out


class Provider:
    """One configured provider. Subclasses say where its endpoints are and how to read the user."""

    scopes: tuple[str, ...] = ()
    uses_nonce = False  # OIDC providers bind the id_token to the flow with a nonce

    def __init__(self, config: ExternalProvider):
        self.config = config
        self.name = config.name

    async def endpoints(self, client: ProviderClient) -> Endpoints:
        raise NotImplementedError

    async def user_data(self, client: ProviderClient, endpoints: Endpoints, tokens: TokenSet,
                        nonce: str | None) -> UserData:
        raise NotImplementedError

    def authorize_url(self, endpoints: Endpoints, state: str, scopes: str, nonce: str | None,
                      extra: list[tuple[str, str]]) -> str:
        """As Go's oauth2 AuthCodeURL writes it, with the caller's extra parameters (`access_type`, `prompt`, …)."""
        wanted = list(self.scopes) + [s for s in scopes.split(",") if s.strip()] if scopes else list(self.scopes)
        params = [("client_id", self.config.client_id), ("redirect_uri", self.config.redirect_uri),
                  ("response_type", "code"), ("scope", " ".join(s.strip() for s in wanted)), ("state", state)]
        if nonce is not None:
            params.append(("nonce", nonce))
        params.extend(extra)
        joiner = "&" if "?" in endpoints.authorize else "?"
        return endpoints.authorize + joiner + urlencode(params)

    async def exchange(self, client: ProviderClient, endpoints: Endpoints, code: str) -> TokenSet:
        return await client.exchange(endpoints.token, code, self.config.client_id, self.config.secret,
                                     self.config.redirect_uri)


class GitHub(Provider):
    scopes = ("user:email",)

    def _hosts(self) -> tuple[str, str]:
        base = self.config.url
        auth = base or "https://github.com"
        api = base or "https://api.github.com"
        if not api.endswith("api.github.com"):
            api += "/api/v3"  # GitHub Enterprise Server
        return auth, api

    async def endpoints(self, client: ProviderClient) -> Endpoints:
        auth, _ = self._hosts()
        return Endpoints(authorize=auth + "/login/oauth/authorize", token=auth + "/login/oauth/access_token")

    async def user_data(self, client, endpoints, tokens, nonce) -> UserData:
        _, api = self._hosts()
        user = _object(await client.get_json(api + "/user", tokens.access_token), "GitHub /user")
        listed = await client.get_json(api + "/user/emails", tokens.access_token)
        emails = [Email(str(e["email"]), bool(e.get("verified")), bool(e.get("primary")))
                  for e in (listed if isinstance(listed, list) else []) if isinstance(e, dict) and e.get("email")]
        ident = str(user.get("id", ""))
        return UserData(emails, claims(iss=api, sub=ident, name=user.get("name"),
                                       preferred_username=user.get("login"), avatar_url=user.get("avatar_url"),
                                       full_name=user.get("name"), provider_id=ident, user_name=user.get("login")))


class GitLab(Provider):
    scopes = ("read_user",)

    async def endpoints(self, client: ProviderClient) -> Endpoints:
        host = self.config.url or "https://gitlab.com"
        return Endpoints(authorize=host + "/oauth/authorize", token=host + "/oauth/token")

    async def user_data(self, client, endpoints, tokens, nonce) -> UserData:
        host = self.config.url or "https://gitlab.com"
        user = _object(await client.get_json(host + "/api/v4/user", tokens.access_token), "GitLab /user")
        listed = await client.get_json(host + "/api/v4/user/emails", tokens.access_token)
        # GitLab's extra addresses carry no confirmation status, so they count as unverified.
        emails = [Email(str(e["email"]), False, False)
                  for e in (listed if isinstance(listed, list) else []) if isinstance(e, dict) and e.get("email")]
        if user.get("email"):
            emails.append(Email(str(user["email"]), bool(user.get("confirmed_at")), True))
        ident = str(user.get("id", ""))
        return UserData(emails, claims(iss=host, sub=ident, name=user.get("name"), picture=user.get("avatar_url"),
                                       avatar_url=user.get("avatar_url"), full_name=user.get("name"),
                                       provider_id=ident))


class OpenIDConnect(Provider):
    """Any issuer with discovery (`oidc`, `keycloak`): the user is the verified id_token's subject."""

    scopes: tuple[str, ...] = ("openid", "email", "profile")
    uses_nonce = True

    def issuer(self) -> str:
        assert self.config.url, "checked when the configuration is read"
        return self.config.url

    def accepted_issuers(self, issuer: str) -> tuple[str, ...]:
        return (issuer,)

    async def endpoints(self, client: ProviderClient) -> Endpoints:
        document = await client.discover(self.issuer())
        return Endpoints(document["authorization_endpoint"], document["token_endpoint"], document)

    async def id_claims(self, client, endpoints, tokens, nonce, issuer: str | None = None) -> dict[str, Any]:
        if tokens.id_token is None:
            raise ProviderError(f"{self.name}: no id_token in the token response")
        document = endpoints.discovery or await client.discover(issuer or self.issuer())
        return await client.verify_id_token(tokens.id_token, issuers=self.accepted_issuers(issuer or self.issuer()),
                                            jwks_uri=document["jwks_uri"], client_id=self.config.client_id,
                                            nonce=nonce, access_token=tokens.access_token)

    def from_id_claims(self, token: dict[str, Any]) -> UserData:
        """GoTrue's generic id_token reading: the address (if any) as the token states it."""
        verified = token.get("email_verified") in (True, "true")
        values = {k: token.get(k) for k in CLAIM_KEYS if k != "custom_claims"}
        values["email_verified"] = verified
        emails = [Email(str(token["email"]), verified, True)] if token.get("email") else []
        return UserData(emails, claims(**values))

    async def user_data(self, client, endpoints, tokens, nonce) -> UserData:
        token = await self.id_claims(client, endpoints, tokens, nonce)
        userinfo_url = (endpoints.discovery or {}).get("userinfo_endpoint")
        if not token.get("email") and isinstance(userinfo_url, str):
            # Some issuers keep profile claims out of the id_token; the userinfo answer must be the same subject.
            info = _object(await client.get_json(userinfo_url, tokens.access_token), "userinfo")
            if info.get("sub") != token["sub"]:
                raise ProviderError("userinfo subject differs from the id_token's")
            token = {**info, **token, "email": info.get("email"), "email_verified": info.get("email_verified")}
        if not token.get("email"):
            raise ProviderError(f"Generic OIDC ID token from issuer {token['iss']!r} must contain an email address")
        return self.from_id_claims(token)


class Google(OpenIDConnect):
    scopes = ("email", "profile")

    def issuer(self) -> str:
        return self.config.url or "https://accounts.google.com"  # the URL setting exists for tests and proxies

    def accepted_issuers(self, issuer: str) -> tuple[str, ...]:
        # Google documents both spellings of its issuer in id_tokens.
        return (issuer, "accounts.google.com") if issuer == "https://accounts.google.com" else (issuer,)

    async def user_data(self, client, endpoints, tokens, nonce) -> UserData:
        return self.from_id_claims(await self.id_claims(client, endpoints, tokens, nonce))

    def from_id_claims(self, token: dict[str, Any]) -> UserData:
        verified = token.get("email_verified") in (True, "true") or token.get("verified_email") is True
        emails = [Email(str(token["email"]), verified, True)] if token.get("email") else []
        custom = {"hd": token["hd"]} if token.get("hd") else None
        return UserData(emails, claims(iss=token["iss"], sub=token["sub"], name=token.get("name"),
                                       picture=token.get("picture"), avatar_url=token.get("picture"),
                                       full_name=token.get("name"), provider_id=token["sub"], custom_claims=custom))


class Azure(OpenIDConnect):
    """Microsoft Entra ID. The URL is the tenant's authority (`https://login.microsoftonline.com/<tenant>`).

    A tenant-specific authority accepts only that tenant's id_tokens; `common`, `organizations` and
    `consumers` accept any tenant of the same host, whose keys are found by discovery at its issuer.
    """

    scopes = ("openid",)
    MULTI_TENANT = ("common", "organizations", "consumers")
    DROPPED = ("aud", "iss", "iat", "nbf", "exp", "c_hash", "at_hash", "aio", "nonce", "rh", "uti", "jti", "ver",
               "sub", "name", "preferred_username")

    def authority(self) -> str:
        return self.config.url or "https://login.microsoftonline.com/common"

    async def endpoints(self, client: ProviderClient) -> Endpoints:
        base = self.authority()
        return Endpoints(base + "/oauth2/v2.0/authorize", base + "/oauth2/v2.0/token")

    def expected_issuer(self, issuer: str) -> bool:
        authority = self.authority()
        host, _, tenant = authority.rpartition("/")
        if tenant in self.MULTI_TENANT:
            return re.fullmatch(re.escape(host) + r"/[A-Za-z0-9._-]+/v2\.0", issuer) is not None
        return issuer == authority + "/v2.0"

    async def user_data(self, client, endpoints, tokens, nonce) -> UserData:
        if tokens.id_token is None:
            raise ProviderError("azure: no OIDC ID token present in response")
        issuer = _unverified_issuer(tokens.id_token)
        if not self.expected_issuer(issuer):
            raise ProviderError(f"azure: ID token issuer {issuer!r} is not this application's tenant")
        return self.from_id_claims(await self.id_claims(client, endpoints, tokens, nonce, issuer=issuer))

    def from_id_claims(self, token: dict[str, Any]) -> UserData:
        email = token.get("email")
        emails = [Email(str(email), _azure_verified(token), True)] if email else []
        custom = {k: v for k, v in token.items() if k not in self.DROPPED}
        return UserData(emails, claims(iss=token["iss"], sub=token["sub"], provider_id=token["sub"],
                                       preferred_username=token.get("preferred_username"),
                                       full_name=token.get("name"), custom_claims=custom))


def _azure_verified(token: dict[str, Any]) -> bool:
    """Microsoft's rule: an email without `xms_edov` is the tenant's own; with it, only when the domain owner verified."""
    edov = token.get("xms_edov")
    if edov is None:
        return bool(token.get("email"))
    return bool(token.get("email")) and (edov is True or edov in ("1", "true"))


def _unverified_issuer(id_token: str) -> str:
    import jwt as pyjwt
    try:
        issuer = pyjwt.decode(id_token, options={"verify_signature": False}).get("iss")
    except pyjwt.PyJWTError:
        raise ProviderError("azure: invalid ID token") from None
    if not isinstance(issuer, str):
        raise ProviderError("azure: ID token has no issuer")
    return issuer


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProviderError(f"{what} did not answer with an object")
    return value


KINDS: dict[str, type[Provider]] = {"github": GitHub, "gitlab": GitLab, "google": Google, "azure": Azure,
                                    "oidc": OpenIDConnect, "keycloak": OpenIDConnect}


def find(configs: dict[str, ExternalProvider], name: str) -> Provider:
    """The enabled provider `name`; a ValueError with GoTrue's wording otherwise."""
    config = configs.get(name)
    if config is None or name not in KINDS:
        raise ValueError(f"Provider {name} could not be found")
    if not config.enabled:
        raise ValueError("provider is not enabled")
    return KINDS[name](config)
