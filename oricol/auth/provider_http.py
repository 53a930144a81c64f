"""Talking to identity providers: the code exchange, their JSON APIs, OpenID Connect discovery, and
checking an id_token against the keys its issuer publishes.

Discovery documents and key sets are cached in the process (they change rarely and every sign-in
needs them); an id_token signed by a key we have not seen refetches the set once, so a provider's key
rotation needs no restart. Nothing here is state another node needs.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import jwt as pyjwt

TIMEOUT = 10.0  # seconds per provider request, as GoTrue's default
CACHE_SECONDS = 600
KEY_REFETCH_SECONDS = 30  # an unknown `kid` refetches the key set at most this often
LEEWAY = 30  # seconds of clock skew tolerated on id_token times
ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
HASHES = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}


class ProviderError(Exception):
    """The provider answered badly or not at all; the message is for our log, not the user."""


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    id_token: str | None


@dataclass
class _Cached:
    value: Any
    fetched: float


@dataclass
class ProviderClient:
    timeout: float = TIMEOUT
    _http: httpx.AsyncClient | None = None
    _discovery: dict[str, _Cached] = field(default_factory=dict)
    _keys: dict[str, _Cached] = field(default_factory=dict)

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:  # made on first use, inside the serving event loop
            self._http = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False,
                                           headers={"user-agent": "oricol-auth"})
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    async def exchange(self, token_url: str, code: str, client_id: str, secret: str, redirect_uri: str) -> TokenSet:
        """The authorization code traded for tokens (client credentials in the body: every provider takes them)."""
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "client_id": client_id, "client_secret": secret}
        response = await self._send("POST", token_url, data=form, headers={"accept": "application/json"})
        body = _token_body(response)
        if response.status_code != 200 or "error" in body:
            raise ProviderError(f"token endpoint answered {response.status_code}: {body.get('error') or ''}")
        access = body.get("access_token")
        if not isinstance(access, str) or not access:
            raise ProviderError("token endpoint gave no access_token")
        refresh, id_token = body.get("refresh_token"), body.get("id_token")
        return TokenSet(access_token=access, refresh_token=refresh if isinstance(refresh, str) else "",
                        id_token=id_token if isinstance(id_token, str) and id_token else None)

    async def get_json(self, url: str, access_token: str) -> Any:
        response = await self._send("GET", url, headers={"authorization": f"Bearer {access_token}",
                                                         "accept": "application/json"})
        if not 200 <= response.status_code < 300:
            raise ProviderError(f"{url} answered {response.status_code}")
        try:
            return response.json()
        except ValueError:
            raise ProviderError(f"{url} answered with something other than JSON") from None

    async def discover(self, issuer: str) -> dict[str, Any]:
        """The issuer's OpenID configuration; its `issuer` must be the one asked for (OIDC Discovery §4.3)."""
        cached = self._discovery.get(issuer)
        if cached is not None and time.monotonic() - cached.fetched < CACHE_SECONDS:
            return cached.value
        response = await self._send("GET", issuer + "/.well-known/openid-configuration")
        try:
            document = response.json() if response.status_code == 200 else None
        except ValueError:
            document = None
        if not isinstance(document, dict):
            raise ProviderError(f"no OpenID configuration at {issuer} ({response.status_code})")
        if document.get("issuer") != issuer:
            raise ProviderError(f"issuer did not match the issuer returned by provider, expected {issuer!r} "
                                f"got {document.get('issuer')!r}")
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(document.get(key), str):
                raise ProviderError(f"OpenID configuration of {issuer} has no {key}")
        self._discovery[issuer] = _Cached(document, time.monotonic())
        return document

    async def verify_id_token(self, id_token: str, *, issuers: tuple[str, ...], jwks_uri: str, client_id: str | None,
                              nonce: str | None, access_token: str | None) -> dict[str, Any]:
        """The id_token's claims once signature, issuer, audience, times, nonce and at_hash all check out.

        `client_id=None` leaves the audience to the caller (the id_token grant accepts several client ids
        and answers a wrong audience with its own error), as does `nonce=None` the nonce."""
        try:
            header = pyjwt.get_unverified_header(id_token)
        except pyjwt.PyJWTError as err:
            raise ProviderError(f"id_token is not a JWT: {err}") from None
        algorithm = header.get("alg")
        if algorithm not in ASYMMETRIC:  # never `none`, never a shared secret an attacker could guess at
            raise ProviderError(f"id_token signed with unsupported algorithm {algorithm!r}")
        key = await self._key(jwks_uri, header.get("kid"), algorithm)
        try:
            claims = pyjwt.decode(id_token, key=key, algorithms=[algorithm], audience=client_id, issuer=list(issuers),
                                  leeway=LEEWAY, options={"require": ["iss", "sub", "aud", "exp", "iat"],
                                                          "verify_aud": client_id is not None})
        except pyjwt.PyJWTError as err:
            raise ProviderError(f"id_token refused: {err}") from None
        if nonce is not None and not hmac.compare_digest(str(claims.get("nonce", "")).encode(), nonce.encode()):
            raise ProviderError("id_token nonce does not match the one sent")
        if claims.get("at_hash") and access_token:
            if not hmac.compare_digest(str(claims["at_hash"]).encode(), _at_hash(access_token, algorithm).encode()):
                raise ProviderError("id_token at_hash does not match the access token")
        return claims

    async def _key(self, jwks_uri: str, kid: Any, algorithm: str) -> Any:
        cached = self._keys.get(jwks_uri)
        stale = cached is None or time.monotonic() - cached.fetched > CACHE_SECONDS
        if cached is not None and not stale and _find(cached.value, kid, algorithm) is None \
                and time.monotonic() - cached.fetched > KEY_REFETCH_SECONDS:
            stale = True  # a key we have not seen: the provider may have rotated
        if cached is None or stale:
            keys = await self.get_json_public(jwks_uri)
            try:
                cached = _Cached(pyjwt.PyJWKSet.from_dict(keys), time.monotonic())
            except pyjwt.PyJWTError as err:
                raise ProviderError(f"key set at {jwks_uri} is unusable: {err}") from None
            self._keys[jwks_uri] = cached
        found = _find(cached.value, kid, algorithm)
        if found is None:
            raise ProviderError(f"no key {kid!r} for {algorithm} at {jwks_uri}")
        return found

    async def get_json_public(self, url: str) -> Any:
        response = await self._send("GET", url, headers={"accept": "application/json"})
        if response.status_code != 200:
            raise ProviderError(f"{url} answered {response.status_code}")
        try:
            return response.json()
        except ValueError:
            raise ProviderError(f"{url} answered with something other than JSON") from None

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self.http.request(method, url, **kwargs)
        except httpx.HTTPError as err:
            raise ProviderError(f"{method} {url} failed: {type(err).__name__}") from None


def _find(keyset: Any, kid: Any, algorithm: str) -> Any:
    """The key for `kid` (or the only fitting key when the token names none) usable with `algorithm`."""
    family = {"R": "RSA", "P": "RSA", "E": "EC"}.get(algorithm[0], "OKP")
    candidates = [k for k in keyset.keys if (kid is None or k.key_id == kid)
                  and k.key_type == family and k.public_key_use in (None, "sig")]
    if kid is None and len(candidates) != 1:
        return None
    return candidates[0].key if candidates else None


def _at_hash(access_token: str, algorithm: str) -> str:
    """OIDC Core §3.1.3.6: the left half of the token's hash under the id_token's hash function."""
    digest = HASHES.get(algorithm[-3:], hashlib.sha512)(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).decode().rstrip("=")


def _token_body(response: httpx.Response) -> dict[str, Any]:
    """Token responses are JSON, except GitHub's without an Accept header (form encoded)."""
    try:
        body = response.json()
    except ValueError:
        body = dict(parse_qsl(response.text))
    return body if isinstance(body, dict) else {}
