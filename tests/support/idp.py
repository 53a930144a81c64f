"""A small identity provider for the tests, on a real port: OpenID Connect and GitHub/GitLab shapes.

It speaks the parts of each provider that auth uses, under one base URL:
- `/oidc`, `/google`: OIDC issuers (discovery, /authorize, /token, /userinfo, keys at /jwks);
- `/azure/<tenant>`: Microsoft's authority layout (`/oauth2/v2.0/authorize|token`, issuer `…/<tenant>/v2.0`);
- `/github`: `/login/oauth/authorize|access_token`, `/api/v3/user`, `/api/v3/user/emails` (GitHub Enterprise paths);
- `/gitlab`: `/oauth/authorize|token`, `/api/v4/user`, `/api/v4/user/emails`.
The authorize page approves at once as the person named by `login_hint` (a test passes it through
supabase-js's `queryParams`); `login_hint=deny` answers with the provider error `access_denied`.
A person's `forge` makes the id_token wrong on purpose: `nonce`, `key` (another key signs it) or `aud`.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt as pyjwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from .pg import free_port

CLIENT_ID = "oricol-test-client"
CLIENT_SECRET = "idp-secret-" + secrets.token_hex(8)


@dataclass
class Person:
    login: str
    email: str
    email_verified: bool = True
    name: str = "Test Person"
    numeric_id: int = 0
    other_emails: list[tuple[str, bool]] = field(default_factory=list)  # GitHub/GitLab extra addresses
    forge: str | None = None  # "nonce" | "key" | "aud": an id_token auth must refuse

    @property
    def sub(self) -> str:
        return str(self.numeric_id)


@dataclass
class Grant:
    person: Person
    realm: str
    redirect_uri: str
    nonce: str | None


class IdentityProvider:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.people: dict[str, Person] = {}
        self.codes: dict[str, Grant] = {}
        self.tokens: dict[str, Grant] = {}
        self.authorize_requests: list[dict[str, str]] = []
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # -- what tests call -------------------------------------------------------------------------------
    def person(self, email: str, *, verified: bool = True, **fields: Any) -> Person:
        login = "u" + secrets.token_hex(6)
        person = Person(login=login, email=email, email_verified=verified,
                        numeric_id=int.from_bytes(secrets.token_bytes(4), "big"), **fields)
        self.people[login] = person
        return person

    def env(self) -> dict[str, str]:
        """Configuration pointing auth's providers here (keycloak stays disabled)."""
        urls = {"GITHUB": "/github", "GITLAB": "/gitlab", "GOOGLE": "/google", "AZURE": "/azure/tenant-1",
                "OIDC": "/oidc"}
        environ = {}
        for name, path in urls.items():
            prefix = f"ORICOL_AUTH_EXTERNAL_{name}_"
            environ.update({prefix + "ENABLED": "true", prefix + "CLIENT_ID": CLIENT_ID,
                            prefix + "SECRET": CLIENT_SECRET, prefix + "URL": self.url + path})
        return environ

    def issuer(self, realm: str) -> str:
        if realm.startswith("azure/"):
            return f"{self.url}/{realm.split('/')[0]}/{realm.split('/')[1]}/v2.0"
        return f"{self.url}/{realm}"

    # -- endpoints ------------------------------------------------------------------------------------
    async def discovery(self, request: Request) -> Response:
        realm = request.path_params["realm"]
        issuer = f"{self.url}/{realm}"
        base = issuer.removesuffix("/v2.0") + "/oauth2/v2.0" if realm.startswith("azure/") else issuer
        return JSONResponse({"issuer": issuer, "authorization_endpoint": base + "/authorize",
                             "token_endpoint": base + "/token", "userinfo_endpoint": issuer + "/userinfo",
                             "jwks_uri": self.url + "/jwks", "id_token_signing_alg_values_supported": ["RS256"],
                             "response_types_supported": ["code"], "subject_types_supported": ["public"]})

    async def jwks(self, request: Request) -> Response:
        jwk = pyjwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return JSONResponse({"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]})

    async def authorize(self, request: Request) -> Response:
        query = dict(request.query_params)
        self.authorize_requests.append(query)
        realm = _realm(request.path_params["realm"])
        redirect_uri, state = query.get("redirect_uri", ""), query.get("state", "")
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code" or not redirect_uri:
            return PlainTextResponse("bad authorization request", status_code=400)
        hint = query.get("login_hint", "")
        if hint == "deny":
            return RedirectResponse(redirect_uri + "?" + urlencode(
                {"error": "access_denied", "error_description": "The user denied the request", "state": state}), 302)
        person = self.people.get(hint)
        if person is None:
            return PlainTextResponse(f"nobody called {hint!r}", status_code=400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = Grant(person, realm, redirect_uri, query.get("nonce"))
        return RedirectResponse(redirect_uri + "?" + urlencode({"code": code, "state": state}), status_code=302)

    async def token(self, request: Request) -> Response:
        form = dict(await request.form())
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if request.headers.get("authorization", "").startswith("Basic "):
            client_id, _, secret = base64.b64decode(request.headers["authorization"][6:]).decode().partition(":")
        if client_id != CLIENT_ID or secret != CLIENT_SECRET:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("grant_type") != "authorization_code" \
                or form.get("redirect_uri") != grant.redirect_uri:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        access = secrets.token_urlsafe(24)
        self.tokens[access] = grant
        body: dict[str, Any] = {"access_token": access, "token_type": "bearer", "expires_in": 3600,
                                "refresh_token": "idp-refresh-" + secrets.token_hex(6)}
        if grant.realm not in ("github", "gitlab"):
            body["id_token"] = self._id_token(grant, access)
        if grant.realm == "github" and "json" not in request.headers.get("accept", ""):
            return PlainTextResponse(urlencode(body), media_type="application/x-www-form-urlencoded")
        return JSONResponse(body)

    def _id_token(self, grant: Grant, access: str) -> str:
        person, now = grant.person, int(time.time())
        digest = hashlib.sha256(access.encode()).digest()
        claims: dict[str, Any] = {
            "iss": self.issuer(grant.realm), "sub": person.sub, "aud": CLIENT_ID, "iat": now, "exp": now + 600,
            "nonce": grant.nonce, "at_hash": base64.urlsafe_b64encode(digest[:16]).decode().rstrip("="),
            "email": person.email, "name": person.name, "picture": f"{self.url}/avatars/{person.login}.png",
        }
        if grant.realm.startswith("azure/"):
            claims.update({"preferred_username": person.email, "tid": "tenant-1", "xms_edov": person.email_verified})
        else:
            claims["email_verified"] = person.email_verified
        key = self.key
        if person.forge == "nonce":
            claims["nonce"] = "not-the-nonce-that-was-sent"
        elif person.forge == "aud":
            claims["aud"] = "some-other-client"
        elif person.forge == "key":
            key = self.other_key
        return pyjwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    def _grant_of(self, request: Request) -> Grant | None:
        header = request.headers.get("authorization", "")
        return self.tokens.get(header[7:]) if header.lower().startswith("bearer ") else None

    async def userinfo(self, request: Request) -> Response:
        grant = self._grant_of(request)
        if grant is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        person = grant.person
        return JSONResponse({"sub": person.sub, "email": person.email, "email_verified": person.email_verified,
                             "name": person.name})

    async def api(self, request: Request) -> Response:
        grant = self._grant_of(request)
        if grant is None:
            return JSONResponse({"message": "Bad credentials"}, status_code=401)
        person, path = grant.person, request.url.path
        if path.startswith("/github"):
            if path.endswith("/emails"):
                listed = [{"email": person.email, "primary": True, "verified": person.email_verified,
                           "visibility": "public"}]
                listed += [{"email": e, "primary": False, "verified": v, "visibility": None}
                           for e, v in person.other_emails]
                return JSONResponse(listed)
            return JSONResponse({"id": person.numeric_id, "login": person.login, "name": person.name,
                                 "email": None, "avatar_url": f"{self.url}/avatars/{person.login}.png"})
        if path.endswith("/emails"):
            return JSONResponse([{"id": i, "email": e} for i, (e, _) in enumerate(person.other_emails)])
        return JSONResponse({"id": person.numeric_id, "username": person.login, "name": person.name,
                             "email": person.email, "avatar_url": f"{self.url}/avatars/{person.login}.png",
                             "confirmed_at": "2024-01-01T00:00:00Z" if person.email_verified else None})

    # -- running --------------------------------------------------------------------------------------
    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/jwks", self.jwks),
            Route("/{realm:path}/.well-known/openid-configuration", self.discovery),
            Route("/{realm:path}/authorize", self.authorize),
            Route("/{realm:path}/token", self.token, methods=["POST"]),
            Route("/{realm:path}/access_token", self.token, methods=["POST"]),
            Route("/{realm:path}/userinfo", self.userinfo),
            Route("/github/api/v3/{rest:path}", self.api),
            Route("/gitlab/api/v4/{rest:path}", self.api),
        ])

    def start(self) -> "IdentityProvider":
        config = uvicorn.Config(self.app(), host="127.0.0.1", port=self.port, log_level="warning", lifespan="off",
                                log_config=None)  # leave the process's logging as the tests set it
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=lambda: asyncio.run(self._server.serve()), name="test-idp",
                                        daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/jwks", timeout=1)
                return self
            except httpx.HTTPError:
                time.sleep(0.05)
        raise TimeoutError("test identity provider did not come up")

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)


def _realm(path: str) -> str:
    """`github/login/oauth` → github, `azure/tenant-1/oauth2/v2.0` → azure/tenant-1, `oidc` → oidc."""
    parts = path.strip("/").split("/")
    if parts[0] == "azure":
        return "/".join(parts[:2])
    return parts[0]
