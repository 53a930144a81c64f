"""POST /otp, /magiclink, /recover, /resend: the flows that answer with a mail.

They answer `{}` whether or not the address is known (no user enumeration), except where GoTrue
itself says that signups through OTP are off.
"""
from __future__ import annotations

from typing import Any

import asyncpg
from starlette.responses import Response

from . import api_signup, audit, errors, flows, redirects, txn, users
from .http import AuthRequest, json_response


def _redirect(req: AuthRequest, body: dict[str, Any]) -> str:
    return redirects.choose(req.state.config, req.query.get("redirect_to") or body.get("redirect_to"))


async def otp(req: AuthRequest) -> Response:
    body = await req.body()
    if body.get("phone") and not body.get("email"):
        raise errors.error(400, errors.PHONE_PROVIDER_DISABLED, "Phone logins are disabled")
    create_user = body.get("create_user", True) is not False
    await _passwordless(req, body, create_user)
    return json_response({})


async def magiclink(req: AuthRequest) -> Response:
    body = await req.body()
    await _passwordless(req, body, True)
    return json_response({})


async def _passwordless(req: AuthRequest, body: dict[str, Any], create_user: bool) -> None:
    state = req.state
    email = users.normalize_email(body.get("email"))
    data = api_signup.metadata(body)
    redirect = _redirect(req, body)

    async def work(conn: asyncpg.Connection) -> None:
        user = await users.by_email(conn, email)
        if user is None:
            if not create_user:
                raise errors.error(422, errors.OTP_DISABLED, "Signups not allowed for otp")
            if state.config.disable_signup:
                raise errors.error(422, errors.SIGNUP_DISABLED, "Signups not allowed for this instance")
            user = await users.create(conn, email=email, password_hash=None, user_metadata=data, confirmed=False,
                                      aud=state.config.jwt_aud)
            await audit.record(conn, user, "user_signedup", "team", req.ip, {"provider": "email"})
        if users.is_banned(user):
            return
        if user["email_confirmed_at"] is None:
            pkce = await flows.start(conn, body, user["id"], "email/signup")
            await flows.send_link(conn, state, user, kind="confirmation", token_type="confirmation_token",
                                  verify_type="signup", to=email, redirect_to=redirect, pkce=pkce)
        else:
            pkce = await flows.start(conn, body, user["id"], "magiclink")
            await flows.send_link(conn, state, user, kind="magic_link", token_type="recovery_token",
                                  verify_type="magiclink", to=email, redirect_to=redirect, pkce=pkce)
        await audit.record(conn, user, "user_recovery_requested", "user", req.ip, {"provider": "email"})
    await txn.run(state.pool, work)


async def recover(req: AuthRequest) -> Response:
    state = req.state
    body = await req.body()
    email = users.normalize_email(body.get("email"))
    redirect = _redirect(req, body)

    async def work(conn: asyncpg.Connection) -> None:
        user = await users.by_email(conn, email)
        if user is None or users.is_banned(user):
            return
        pkce = await flows.start(conn, body, user["id"], "recovery")
        await flows.send_link(conn, state, user, kind="recovery", token_type="recovery_token",
                              verify_type="recovery", to=email, redirect_to=redirect, pkce=pkce)
        await audit.record(conn, user, "user_recovery_requested", "user", req.ip, {"provider": "email"})
    await txn.run(state.pool, work)
    return json_response({})


async def resend(req: AuthRequest) -> Response:
    state = req.state
    body = await req.body()
    kind = body.get("type")
    if kind not in ("signup", "email_change"):
        raise errors.validation("Missing one of these types: signup, email_change, sms, phone_change")
    email = users.normalize_email(body.get("email"))
    redirect = _redirect(req, body)

    async def work(conn: asyncpg.Connection) -> None:
        if kind == "signup":
            user = await users.by_email(conn, email)
            if user is None or user["email_confirmed_at"] is not None:
                return
            await flows.send_link(conn, state, user, kind="confirmation", token_type="confirmation_token",
                                  verify_type="signup", to=email, redirect_to=redirect)
            return
        user = await conn.fetchrow("select * from auth.users where lower(email) = $1 and email_change <> '' "
                                   "and deleted_at is null", email)
        if user is None:
            return
        await flows.send_link(conn, state, user, kind="email_change", token_type="email_change_token_new",
                              verify_type="email_change", to=user["email_change"], redirect_to=redirect,
                              extra={"NewEmail": user["email_change"]})
    await txn.run(state.pool, work)
    return json_response({})
