"""The OAuth 2.1 server's machine side: POST /oauth/token (authorization_code with PKCE, refresh_token),
GET /oauth/userinfo and the discovery documents, as GoTrue's oauthserver answers them.

Client authentication comes first, as GoTrue's requireOAuthClientAuth middleware: HTTP Basic, or
client_id/client_secret in the body, and it must be the method the client registered.
"""
from __future__ import annotations

import base64
import binascii
from typing import Any

import asyncpg
from starlette.responses import Response

from . import current, errors, sessions, tokens, txn, users
from . import oauth_server_clients as clients
from . import oauth_server_flow as flow
from . import oauth_server_sessions as issued
from .api_oauth_admin import when_enabled
from .http import AuthRequest, json_response
from .oauth_server_flow import SUPPORTED_SCOPES


def _bad_client(message: str) -> errors.ApiError:
    return errors.error(400, "invalid_credentials", message)


def _credentials(req: AuthRequest, body: dict[str, Any]) -> tuple[str, str, str]:
    """(client_id, secret, method used)."""
    header = req.request.headers.get("authorization", "")
    if header.startswith("Basic "):
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise _bad_client("Invalid client credentials: invalid basic auth encoding") from None
        client_id, colon, secret = decoded.partition(":")
        if not colon:
            raise _bad_client("Invalid client credentials: invalid basic auth format")
        return client_id, secret, "client_secret_basic"
    given_id, given_secret = body.get("client_id"), body.get("client_secret")
    if not isinstance(given_id, str) or not given_id:
        raise _bad_client("Invalid client credentials: client_id is required")
    secret = given_secret if isinstance(given_secret, str) else ""
    return given_id, secret, "client_secret_post" if secret else "none"


async def authenticate_client(conn: asyncpg.Connection, req: AuthRequest, body: dict[str, Any]) -> asyncpg.Record:
    client_id, secret, method = _credentials(req, body)
    parsed = clients.parse_id(client_id)
    if parsed is None:
        raise _bad_client("Invalid client_id format")
    client = await clients.find(conn, parsed)
    if client is None:
        raise _bad_client("Invalid client credentials")
    registered = client["token_endpoint_auth_method"]
    if method != registered:
        raise _bad_client(f"invalid authentication method: client is registered for '{registered}' "
                          f"but '{method}' was used")
    if client["client_type"] == clients.PUBLIC:
        if secret:
            raise _bad_client("public clients must not provide client_secret")
    elif not secret:
        raise _bad_client("confidential clients must provide client_secret")
    elif not clients.secret_matches(secret, client["client_secret_hash"]):
        raise _bad_client("invalid client credentials")
    return client


async def token(req: AuthRequest) -> Response:
    try:
        body = await req.body()
    except errors.ApiError:
        raise errors.oauth_error("invalid_request", "Invalid JSON body") from None
    async with req.state.pool.acquire() as conn:
        client = await authenticate_client(conn, req, body)
    grant = body.get("grant_type")
    if not isinstance(grant, str) or not grant:
        raise errors.oauth_error("invalid_request", "grant_type is required")
    if grant not in client["grant_types"].split(","):
        raise errors.oauth_error("unsupported_grant_type", "Client is not allowed to use grant type: " + grant[:64])
    if grant == "authorization_code":
        return json_response(await _code_grant(req, body, client))
    if grant == "refresh_token":
        return json_response(await _refresh_grant(req, body, client))
    raise errors.oauth_error("unsupported_grant_type", "Unsupported grant type: " + grant[:64])


def _verify_pkce(row: asyncpg.Record, verifier: Any) -> None:
    if not row["code_challenge"]:
        return
    if not isinstance(verifier, str) or not verifier:
        raise errors.oauth_error("invalid_grant", "PKCE verification failed: code_verifier is required when "
                                                  "PKCE challenge is present")
    if not tokens.pkce_challenge_matches(verifier, row["code_challenge"], row["code_challenge_method"]):
        raise errors.oauth_error("invalid_grant", "PKCE verification failed: code challenge does not match "
                                                  "previously saved code verifier")


async def _code_grant(req: AuthRequest, body: dict[str, Any], client: asyncpg.Record) -> dict[str, Any]:
    code = body.get("code")
    if not isinstance(code, str) or not code:
        raise errors.oauth_error("invalid_request", "code is required for authorization_code grant")

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        row = await flow.approved_for_update(conn, code)
        if row is None:
            raise errors.oauth_error("invalid_grant", "Invalid authorization code")
        if row["expired"]:
            raise errors.oauth_error("invalid_grant", "Authorization code has expired")
        if row["client_id"] != client["id"]:
            raise errors.oauth_error("invalid_grant", "Authorization code was not issued for this client")
        if body.get("resource") and body.get("resource") != row["resource"]:
            raise errors.oauth_error("invalid_grant", "Authorization code resource does not match the resource "
                                                      "parameter")
        if body.get("redirect_uri") and body.get("redirect_uri") != row["redirect_uri"]:
            raise errors.oauth_error("invalid_grant", "Invalid redirect_uri")
        _verify_pkce(row, body.get("code_verifier"))
        user = await users.by_id(conn, row["user_id"]) if row["user_id"] else None
        if user is None or user["deleted_at"] is not None:
            raise errors.oauth_error("invalid_grant", "User not found for authorization code")
        if users.is_banned(user):
            raise errors.oauth_error("access_denied", "User is banned")
        session = await issued.issue(conn, req.state, user, client["id"], row["scope"], req.ip,
                                     req.request.headers.get("user-agent"))
        await flow.remove(conn, row)
        answer = issued.token_response(session)
        id_token = issued.id_token(req.state, await users.by_id(conn, user["id"]), client["id"], row["scope"],
                                   row["nonce"])
        if id_token:
            answer["id_token"] = id_token
        return answer
    return await txn.run(req.state.pool, work)


async def _refresh_grant(req: AuthRequest, body: dict[str, Any], client: asyncpg.Record) -> dict[str, Any]:
    refresh = body.get("refresh_token")
    if not isinstance(refresh, str) or not refresh:
        raise errors.oauth_error("invalid_request", "refresh_token is required for refresh_token grant")
    await req.state.limiter.hit("refresh", req.ip)
    session = await txn.run(req.state.pool,
                            lambda conn: sessions.refresh(conn, req.state, refresh, req.ip, client_id=client["id"]))
    return issued.token_response(session)


async def userinfo(req: AuthRequest) -> Response:
    async with req.state.pool.acquire() as conn:
        caller = await current.load(req, conn)
        scope = None
        if caller.session_id is not None:
            scope = await issued.scope_of(conn, caller.session_id)
    return json_response(issued.userinfo(caller.user, scope))


CLAIMS = ("sub", "aud", "iss", "exp", "iat", "auth_time", "nonce", "email", "email_verified", "phone_number",
          "phone_number_verified", "name", "picture", "preferred_username", "updated_at")


async def metadata(req: AuthRequest) -> Response:
    """RFC 8414 / OIDC discovery: one document for both, as GoTrue serves it."""
    config = req.state.config
    issuer = config.external_url.rstrip("/")
    document: dict[str, Any] = {
        "issuer": config.external_url,
        "authorization_endpoint": issuer + "/oauth/authorize",
        "token_endpoint": issuer + "/oauth/token",
        "jwks_uri": issuer + "/.well-known/jwks.json",
        "userinfo_endpoint": issuer + "/oauth/userinfo",
    }
    if config.oauth_server.allow_dynamic_registration:
        document["registration_endpoint"] = issuer + "/oauth/clients/register"
    document.update({
        "scopes_supported": list(SUPPORTED_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "HS256", "ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "claims_supported": list(CLAIMS),
        "code_challenge_methods_supported": ["S256", "plain"],
    })
    return json_response(document, headers={"cache-control": "public, max-age=600"})


ROUTES = tuple((path, methods, when_enabled(handler)) for path, methods, handler in (
    ("/oauth/token", ("POST",), token),
    ("/oauth/userinfo", ("GET",), userinfo),
    ("/.well-known/oauth-authorization-server", ("GET",), metadata),
)) + (("/.well-known/openid-configuration", ("GET",), metadata),)  # served even when off, as GoTrue
