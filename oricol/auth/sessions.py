"""Sessions and their refresh-token families, and the session response GoTrue returns.

A session row carries its assurance level; each refresh token names its parent. Refreshing revokes
the presented token and issues its derived successor; presenting a revoked token again outside the
reuse interval revokes the whole session (the family), as GoTrue's refresh token rotation does.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import asyncpg

from . import audit, errors, hooks, tokens, users
from .state import AuthState


def inet(ip: str) -> str | None:
    import ipaddress
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return None


async def add_amr(conn: asyncpg.Connection, session_id: uuid.UUID, method: str) -> None:
    await conn.execute(
        "insert into auth.mfa_amr_claims (session_id, authentication_method, created_at, updated_at) "
        "values ($1, $2, now(), now()) on conflict (session_id, authentication_method) "
        "do update set updated_at = now()", session_id, method)


async def insert_refresh(conn: asyncpg.Connection, user_id: uuid.UUID, session_id: uuid.UUID, token: str,
                          parent: str | None) -> None:
    await conn.execute(
        "insert into auth.refresh_tokens (instance_id, token, user_id, revoked, parent, session_id) "
        "values ($1, $2, $3, false, $4, $5)",
        users.INSTANCE_ID, tokens.stored_hash(token), str(user_id),
        tokens.stored_hash(parent) if parent else None, session_id)


async def claims_for(conn: asyncpg.Connection, state: AuthState, user: asyncpg.Record, session_id: uuid.UUID,
                     known: tuple[str, list] | None = None) -> dict[str, Any]:
    """GoTrue's access token claims; `known` (aal, amr) spares the lookups for a session just made."""
    oauth = None  # (client id, scopes) of a session issued to an OAuth 2.1 client
    aal: str | None  # None only for a session row gone meanwhile
    if known is not None:
        aal, amr = known
    else:
        row = await conn.fetchrow("select aal, oauth_client_id, scopes from auth.sessions where id = $1", session_id)
        aal = row["aal"] if row else None
        oauth = (row["oauth_client_id"], row["scopes"]) if row and row["oauth_client_id"] else None
        amr = [{"method": r["authentication_method"], "timestamp": int(r["updated_at"].timestamp())}
               for r in await conn.fetch("select authentication_method, updated_at from auth.mfa_amr_claims "
                                         "where session_id = $1 order by updated_at desc", session_id)]
    issued = tokens.now()
    claims: dict[str, Any] = {
        "aud": user["aud"] or state.config.jwt_aud,
        "exp": issued + state.config.jwt_expiry,
        "iat": issued,
        "iss": state.config.external_url,
        "sub": str(user["id"]),
        "email": user["email"] or "",
        "phone": user["phone"] or "",
        "app_metadata": users.app_metadata(user),
        "user_metadata": dict(user["raw_user_meta_data"] or {}),
        "role": user["role"] or "authenticated",
        "aal": aal or "aal1",
        "amr": amr,
        "session_id": str(session_id),
        "is_anonymous": bool(user["is_anonymous"]),
    }
    if oauth is not None:  # GoTrue's client_id and scope claims tell resource servers who holds the token
        claims["client_id"] = str(oauth[0])
        if oauth[1]:
            claims["scope"] = oauth[1]
    if state.config.custom_access_token_hook:
        method = amr[0]["method"] if amr else "password"
        claims = await hooks.custom_access_token(conn, state.config.custom_access_token_hook, user["id"],
                                                 claims, method)
    return claims


async def response(conn: asyncpg.Connection, state: AuthState, user: asyncpg.Record, session_id: uuid.UUID,
                   refresh: str, known: tuple[str, list] | None = None) -> dict[str, Any]:
    """GoTrue's AccessTokenResponse: the signed access token, the refresh token and the user."""
    claims = await claims_for(conn, state, user, session_id, known)
    return {
        "access_token": state.signer.sign(claims),
        "token_type": "bearer",
        "expires_in": state.config.jwt_expiry,
        "expires_at": claims["exp"],
        "refresh_token": refresh,
        "user": await users.full_json(conn, user),
    }


SIGN_IN = """
with touched as (
  update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1 returning *
), identities as (
  update auth.identities set last_sign_in_at = now() where user_id = $1
), new_session as (
  insert into auth.sessions (id, user_id, aal, not_after, user_agent, ip, created_at, updated_at)
  values ($2, $1, 'aal1', $3, $4, $5::inet, now(), now())
), amr as (
  insert into auth.mfa_amr_claims (session_id, authentication_method, created_at, updated_at)
  values ($2, $6, now(), now())
), refresh as (
  insert into auth.refresh_tokens (instance_id, token, user_id, revoked, parent, session_id)
  values ($7, $8, $1::text, false, null, $2)
), audit as (
  insert into auth.audit_log_entries (instance_id, id, payload, created_at, ip_address)
  values ($7, gen_random_uuid(), $9::json, now(), $10)
)
select * from touched
"""


async def sign_in(conn: asyncpg.Connection, state: AuthState, user: asyncpg.Record, method: str,
                  ip: str, user_agent: str | None, provider: str = "email") -> dict[str, Any]:
    """Starts a session for `user` and answers with it (the common end of every sign-in flow).

    One statement does all the writes (sign-in time, session, amr, refresh token, audit entry):
    sign-ins are the hot path, and each round trip costs the CPU that bcrypt needs.
    """
    session_id, refresh = uuid.uuid4(), tokens.new_refresh_token()
    timebox = state.config.session_timebox
    not_after = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=timebox) if timebox else None
    payload = audit.payload(user, "login", "account", {"provider": provider, "method": method})
    user = await conn.fetchrow(SIGN_IN, user["id"], session_id, not_after, (user_agent or "")[:512], inet(ip),
                               method, users.INSTANCE_ID, tokens.stored_hash(refresh), payload, (ip or "")[:64])
    amr = [{"method": method, "timestamp": tokens.now()}]
    return await response(conn, state, user, session_id, refresh, known=("aal1", amr))


async def refresh(conn: asyncpg.Connection, state: AuthState, token: str, ip: str,
                  client_id: uuid.UUID | None = None) -> dict[str, Any]:
    """Rotates `token`. `client_id` is the OAuth 2.1 client that authenticated at /oauth/token, if any:
    a session issued to a client refreshes only through that client, others never through one."""
    row = await conn.fetchrow(
        "select id, user_id, revoked, updated_at, session_id from auth.refresh_tokens where token = $1",
        tokens.stored_hash(token))
    if row is None or row["session_id"] is None:
        raise errors.error(400, errors.REFRESH_TOKEN_NOT_FOUND, "Invalid Refresh Token: Refresh Token Not Found")
    # One refresh at a time per session: the row lock orders concurrent refreshes of a family.
    session = await conn.fetchrow("select * from auth.sessions where id = $1 for update", row["session_id"])
    if session is None:
        raise errors.error(400, errors.REFRESH_TOKEN_NOT_FOUND, "Invalid Refresh Token: Refresh Token Not Found")
    if session["oauth_client_id"] is not None and client_id is None:
        raise errors.oauth_error("invalid_client", "Client authentication required for OAuth session")
    if session["oauth_client_id"] is not None and session["oauth_client_id"] != client_id:
        raise errors.oauth_error("invalid_client", "Client does not match the session's OAuth client")
    if session["oauth_client_id"] is None and client_id is not None:
        raise errors.oauth_error("invalid_client", "Client authentication not allowed for non-OAuth session")
    if session["not_after"] is not None and session["not_after"] < dt.datetime.now(dt.timezone.utc):
        raise errors.error(400, errors.SESSION_EXPIRED, "Invalid Refresh Token: Session Expired")
    user = await users.by_id(conn, session["user_id"])
    if user is None or user["deleted_at"] is not None:
        raise errors.error(400, errors.REFRESH_TOKEN_NOT_FOUND, "Invalid Refresh Token: Refresh Token Not Found")
    if users.is_banned(user):
        raise errors.error(400, errors.USER_BANNED, "Invalid Refresh Token: User Banned")
    row = await conn.fetchrow("select * from auth.refresh_tokens where id = $1", row["id"])  # after the lock
    child = state.signer.child_refresh_token(token)
    if row["revoked"]:
        await _reuse(conn, state, user, session["id"], row, child, ip)
    else:
        await conn.execute("update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1",
                           row["id"])
        await insert_refresh(conn, user["id"], session["id"], child, parent=token)
    await conn.execute("update auth.sessions set refreshed_at = now()::timestamp, updated_at = now() "
                       "where id = $1", session["id"])
    await audit.record(conn, user, "token_refreshed", "token", ip, {})
    return await response(conn, state, user, session["id"], child)


async def _reuse(conn: asyncpg.Connection, state: AuthState, user: asyncpg.Record, session_id: uuid.UUID,
                 row: asyncpg.Record, child: str, ip: str) -> None:
    """A revoked token again: fine within the reuse interval if its successor is still the live one."""
    interval = dt.timedelta(seconds=state.config.refresh_reuse_interval)
    live_child = await conn.fetchval(
        "select not revoked from auth.refresh_tokens where token = $1 and session_id = $2",
        tokens.stored_hash(child), session_id)
    if live_child and row["updated_at"] + interval >= dt.datetime.now(dt.timezone.utc):
        return
    if state.config.refresh_rotation:
        await conn.execute("delete from auth.sessions where id = $1", session_id)
        await audit.record(conn, user, "token_revoked", "token", ip, {"reason": "refresh token reused"})
        # The revocation must persist although the request fails.
        raise _CommitThenRaise(errors.error(400, errors.REFRESH_TOKEN_ALREADY_USED,
                                            "Invalid Refresh Token: Already Used"))
    raise errors.error(400, errors.REFRESH_TOKEN_ALREADY_USED, "Invalid Refresh Token: Already Used")


class _CommitThenRaise(Exception):
    """Raised inside a transaction whose work must be kept; the caller commits, then raises `error`."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


CommitThenRaise = _CommitThenRaise


async def revoke(conn: asyncpg.Connection, user_id: uuid.UUID, session_id: uuid.UUID | None, scope: str) -> None:
    """Ends sessions: `local` this one, `others` all but this one, `global` every session of the user."""
    if scope == "local":
        await conn.execute("delete from auth.sessions where id = $1 and user_id = $2", session_id, user_id)
    elif scope == "others":
        await conn.execute("delete from auth.sessions where user_id = $1 and id is distinct from $2",
                           user_id, session_id)
    else:
        await conn.execute("delete from auth.sessions where user_id = $1", user_id)


async def aal(conn: asyncpg.Connection, session_id: uuid.UUID) -> str | None:
    """The session's assurance level (None for a session that is gone)."""
    return await conn.fetchval("select aal from auth.sessions where id = $1", session_id)


async def raise_to_aal2(conn: asyncpg.Connection, session_id: uuid.UUID, factor_id: uuid.UUID) -> None:
    """The session verified a second factor: aal2, `totp` in its amr, and its refresh tokens revoked (the
    caller issues a fresh one, so a token stolen before the upgrade cannot refresh into aal2)."""
    await conn.execute("update auth.sessions set aal = 'aal2', factor_id = $2, updated_at = now() where id = $1",
                       session_id, factor_id)
    await add_amr(conn, session_id, "totp")
    await conn.execute("update auth.refresh_tokens set revoked = true, updated_at = now() "
                       "where session_id = $1 and not revoked", session_id)


async def drop_factor(conn: asyncpg.Connection, user_id: uuid.UUID, factor_id: uuid.UUID) -> None:
    """A factor is gone: the sessions that relied on it fall back to aal1, as GoTrue does."""
    await conn.execute("update auth.sessions set aal = 'aal1', factor_id = null where user_id = $1 "
                       "and factor_id = $2", user_id, factor_id)
