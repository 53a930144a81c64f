"""POST /token (password, refresh_token, pkce grants) and POST /logout."""
from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
from starlette.responses import Response

from . import api_disabled, api_phone, audit, current, errors, flows, sessions, tokens, txn, users
from .http import AuthRequest, json_response, no_content
from .id_token_grant import grant as id_token_grant

FLOW_STATE_LIFETIME = dt.timedelta(minutes=5)


async def token(req: AuthRequest) -> Response:
    grant = req.query.get("grant_type", "")
    handler = GRANTS.get(grant)
    if handler is None:
        raise errors.oauth_error(errors.UNSUPPORTED_GRANT_TYPE, f"unsupported_grant_type: {grant or 'missing'}")
    return json_response(await handler(req))


async def password_grant(req: AuthRequest) -> dict[str, Any]:
    state = req.state
    await state.limiter.hit("sign_in", req.ip)
    body = await req.body()
    password = body.get("password")
    if body.get("phone"):
        return await api_phone.password_grant(req, body)
    if not isinstance(password, str) or not password:
        raise errors.invalid_credentials()
    email = users.normalize_email(body.get("email"))
    async with state.pool.acquire() as conn:
        user = await users.by_email(conn, email)
    # Checked outside any transaction: the connection is not held while bcrypt runs (~50 ms).
    if not await state.hasher.verify(password, user["encrypted_password"] if user else None) or user is None:
        if user is not None:
            async with state.pool.acquire() as conn:
                await audit.record(conn, user, "login_failed", "account", req.ip, {"provider": "email"})
        raise errors.invalid_credentials()
    if users.is_banned(user):
        raise errors.error(400, errors.USER_BANNED, "User is banned")
    if user["email_confirmed_at"] is None and not state.config.autoconfirm:
        raise errors.error(400, errors.EMAIL_NOT_CONFIRMED, "Email not confirmed")

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        return await sessions.sign_in(conn, state, user, "password", req.ip, req.request.headers.get("user-agent"))
    return await txn.run(state.pool, work)


async def refresh_grant(req: AuthRequest) -> dict[str, Any]:
    await req.state.limiter.hit("refresh", req.ip)
    body = await req.body()
    refresh = body.get("refresh_token")
    if not isinstance(refresh, str) or not refresh:
        raise errors.error(400, errors.REFRESH_TOKEN_NOT_FOUND, "Invalid Refresh Token: Refresh Token Not Found")
    return await txn.run(req.state.pool, lambda conn: sessions.refresh(conn, req.state, refresh, req.ip))


async def pkce_grant(req: AuthRequest) -> dict[str, Any]:
    body = await req.body()
    code, verifier = body.get("auth_code"), body.get("code_verifier")
    if not isinstance(code, str) or not code or not isinstance(verifier, str) or not verifier:
        raise errors.validation("invalid request: both auth code and code verifier should be non-empty")

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        flow = await flows.take(conn, code)
        if flow is None or flow["user_id"] is None:
            raise errors.error(404, errors.FLOW_STATE_NOT_FOUND, "invalid flow state, no valid flow state found")
        issued = flow["auth_code_issued_at"] or flow["created_at"]
        if issued + FLOW_STATE_LIFETIME < dt.datetime.now(dt.timezone.utc):
            raise sessions.CommitThenRaise(
                errors.error(422, errors.FLOW_STATE_EXPIRED, "invalid flow state, flow state has expired"))
        if not tokens.pkce_challenge_matches(verifier, flow["code_challenge"], flow["code_challenge_method"]):
            raise errors.error(403, errors.BAD_CODE_VERIFIER,
                               "code challenge does not match previously saved code verifier")
        user = await users.by_id(conn, flow["user_id"])
        if user is None or users.is_banned(user):
            raise errors.error(404, errors.USER_NOT_FOUND, "User not found")
        method = flow["authentication_method"]
        provider = flow["provider_type"] if method == "oauth" else "email"
        session = await sessions.sign_in(conn, req.state, user, method, req.ip, req.request.headers.get("user-agent"),
                                         provider=provider)
        # A third-party sign-in hands the provider's tokens on, as GoTrue's PKCE grant does.
        if flow["provider_access_token"]:
            session["provider_token"] = flow["provider_access_token"]
        if flow["provider_refresh_token"]:
            session["provider_refresh_token"] = flow["provider_refresh_token"]
        return session
    return await txn.run(req.state.pool, work)


GRANTS = {"password": password_grant, "refresh_token": refresh_grant, "pkce": pkce_grant,
          "web3": api_disabled.web3_grant}
GRANTS["id_token"] = id_token_grant  # signInWithIdToken


async def logout(req: AuthRequest) -> Response:
    scope = req.query.get("scope", "global")
    if scope not in ("global", "local", "others"):
        raise errors.validation(f"Unsupported logout scope {scope!r}")

    async def work(conn: asyncpg.Connection) -> None:
        caller = await current.load(req, conn)
        await sessions.revoke(conn, caller.user["id"], caller.session_id, scope)
        await audit.record(conn, caller.user, "logout", "account", req.ip, {"scope": scope})
    await txn.run(req.state.pool, work)
    return no_content()
