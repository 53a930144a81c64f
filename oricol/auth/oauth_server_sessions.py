"""Sessions issued to OAuth 2.1 clients: the client and the granted scopes are kept on the session,
so every access token of it (refreshed ones too) carries GoTrue's `client_id` and `scope` claims,
and revoking the user's grant ends exactly these sessions. The optional OIDC ID token lives here too."""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from . import audit, sessions, tokens
from .oauth_server_flow import parse_scopes
from .state import AuthState

AUTH_METHOD = "oauth_provider/authorization_code"  # GoTrue's amr method for this grant

ISSUE = """
with touched as (
  update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1 returning *
), new_session as (
  insert into auth.sessions (id, user_id, aal, user_agent, ip, oauth_client_id, scopes, created_at, updated_at)
  values ($2, $1, 'aal1', $3, $4::inet, $5, $6, now(), now())
), amr as (
  insert into auth.mfa_amr_claims (session_id, authentication_method, created_at, updated_at)
  values ($2, $7, now(), now())
)
select * from touched
"""


async def issue(conn: asyncpg.Connection, state: AuthState, user: asyncpg.Record, client_id: uuid.UUID,
                scope: str, ip: str, user_agent: str | None) -> dict[str, Any]:
    session_id, refresh = uuid.uuid4(), tokens.new_refresh_token()
    user = await conn.fetchrow(ISSUE, user["id"], session_id, (user_agent or "")[:512], sessions.inet(ip), client_id,
                               scope or None, AUTH_METHOD)
    await sessions.insert_refresh(conn, user["id"], session_id, refresh, parent=None)
    await audit.record(conn, user, "login", "account", ip,
                       {"provider_type": "oauth_provider_authorization_code", "client_id": str(client_id)})
    return await sessions.response(conn, state, user, session_id, refresh)


def token_response(session: dict[str, Any]) -> dict[str, Any]:
    """What an OAuth client gets: the tokens only, no user object (as GoTrue's /oauth/token)."""
    return {key: session[key] for key in ("access_token", "token_type", "expires_in", "refresh_token")}


def id_token(state: AuthState, user: asyncpg.Record, client_id: uuid.UUID, scope: str, nonce: str | None) -> str | None:
    """An OIDC ID token for the `openid` scope. GoTrue signs these only with an asymmetric key (a
    client must verify them from the JWKS); with the HS256 secret none is issued."""
    if state.signer.key is None or "openid" not in parse_scopes(scope):
        return None
    scopes = parse_scopes(scope)
    issued = tokens.now()
    auth_time = user["last_sign_in_at"]
    claims: dict[str, Any] = {"iss": state.config.external_url, "sub": str(user["id"]), "aud": str(client_id),
                              "iat": issued, "exp": issued + 3600, "client_id": str(client_id),
                              "auth_time": int(auth_time.timestamp()) if auth_time else issued,
                              "email_verified": False, "phone_number_verified": False}
    if nonce:
        claims["nonce"] = nonce
    if "email" in scopes:
        claims.update(email=user["email"] or "", email_verified=user["email_confirmed_at"] is not None)
    if "phone" in scopes:
        claims.update(phone_number=user["phone"] or "", phone_number_verified=user["phone_confirmed_at"] is not None)
    if "profile" in scopes:
        claims.update(profile_claims(user))
    return state.signer.sign({key: value for key, value in claims.items() if value != ""})


def profile_claims(user: asyncpg.Record) -> dict[str, Any]:
    """OIDC profile claims from the user's metadata, as GoTrue picks them."""
    meta = dict(user["raw_user_meta_data"] or {})
    found: dict[str, Any] = {}
    name = meta.get("name") if isinstance(meta.get("name"), str) and meta.get("name") else user["email"]
    if name:
        found["name"] = name
    picture = next((meta[k] for k in ("picture", "avatar_url") if isinstance(meta.get(k), str) and meta[k]), None)
    if picture:
        found["picture"] = picture
    username = next((meta[k] for k in ("preferred_username", "username") if isinstance(meta.get(k), str) and meta[k]),
                    None)
    if username:
        found["preferred_username"] = username
    if user["updated_at"] is not None:
        found["updated_at"] = int(user["updated_at"].timestamp())
    return found


def userinfo(user: asyncpg.Record, scope: str | None) -> dict[str, Any]:
    """OIDC UserInfo filtered by the session's scopes (only `sub` for a token not issued to a client)."""
    info: dict[str, Any] = {"sub": str(user["id"])}
    if scope is None:
        return info
    scopes = parse_scopes(scope)
    if "email" in scopes:
        if user["email"]:
            info["email"] = user["email"]
        if user["email_confirmed_at"] is not None:
            info["email_verified"] = True
    if "profile" in scopes:
        info.update(profile_claims(user))
        info["user_metadata"] = dict(user["raw_user_meta_data"] or {})
    if "phone" in scopes:
        if user["phone"]:
            info["phone"] = user["phone"]
        if user["phone_confirmed_at"] is not None:
            info["phone_verified"] = True
    return info


async def end_for_client(conn: asyncpg.Connection, user_id: uuid.UUID, client_id: uuid.UUID) -> None:
    """Every session the client holds for the user ends (their refresh tokens with them)."""
    await conn.execute("delete from auth.sessions where user_id = $1 and oauth_client_id = $2", user_id, client_id)


async def scope_of(conn: asyncpg.Connection, session_id: uuid.UUID) -> str | None:
    """The scopes granted to a client's session; None for a session that is not a client's."""
    row = await conn.fetchrow("select oauth_client_id, scopes from auth.sessions where id = $1", session_id)
    return (row["scopes"] or "") if row and row["oauth_client_id"] else None
