"""POST /otp, /magiclink, /recover, /resend: the flows that answer with a mail.

They answer `{}` whether or not the address is known (no user enumeration), except where GoTrue
itself says that signups through OTP are off.
"""
from __future__ import annotations

from typing import Any

import asyncpg
from starlette.responses import Response

from . import api_phone, api_signup, audit, errors, flows, redirects, txn, users
from .http import AuthRequest, json_response


def _redirect(req: AuthRequest, body: dict[str, Any]) -> str:
    return redirects.choose(req.state.config, req.query.get("redirect_to") or body.get("redirect_to"))


async def otp(req: AuthRequest) -> Response:
    body = await req.body()
    if body.get("email") and body.get("phone"):
        raise errors.validation("Only an email address or phone number should be provided")
    if body.get("phone"):
        return await api_phone.otp(req, body)
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
    if kind in ("sms", "phone_change"):
        return await api_phone.resend(req, body)
    if kind not in ("signup", "email_change"):
        raise errors.validation("Missing one of these types: signup, email_change, sms, phone_change")
    email = _resend_address(body, kind)
    redirect = _redirect(req, body)

    async def work(conn: asyncpg.Connection) -> None:
        user = await users.by_email(conn, email)
        if kind == "signup":
            if user is None or user["email_confirmed_at"] is not None:
                return  # unknown or already confirmed: `{}` all the same, as GoTrue
            await audit.record(conn, user, "user_confirmation_requested", "user", req.ip, {})
            pkce = await flows.start(conn, body, user["id"], "email/signup")
            await flows.send_link(conn, state, user, kind="confirmation", token_type="confirmation_token",
                                  verify_type="signup", to=email, redirect_to=redirect, pkce=pkce)
            return
        if user is None or not user["email_change"]:
            return  # no change pending
        await _resend_email_change(conn, state, user, body, redirect)
    await txn.run(state.pool, work)
    return json_response({})


def _resend_address(body: dict[str, Any], kind: str) -> str:
    """GoTrue's ResendConfirmationParams.Validate, in its order, for the two mail types."""
    challenge, method = body.get("code_challenge"), body.get("code_challenge_method")
    if bool(challenge) != bool(method):
        raise errors.validation("PKCE flow requires code_challenge_method and code_challenge")
    if not body.get("email") and kind == "signup":
        raise errors.validation("Type provided requires an email address")
    if body.get("email") and body.get("phone"):
        raise errors.validation("Only an email address or phone number should be provided.")
    if not body.get("email"):
        raise errors.validation("Missing email address or phone number")
    return users.normalize_email(body.get("email"))


async def _resend_email_change(conn: asyncpg.Connection, state: Any, user: asyncpg.Record, body: dict[str, Any],
                               redirect: str) -> None:
    """The pending change's mails again: to the new address, and to the current one under secure email change."""
    pkce = await flows.start(conn, body, user["id"], "email_change")
    extra = {"NewEmail": user["email_change"]}
    await flows.send_link(conn, state, user, kind="email_change", token_type="email_change_token_new",
                          verify_type="email_change", to=user["email_change"], redirect_to=redirect, pkce=pkce,
                          extra=extra)
    if state.config.secure_email_change and user["email"] and user["email_confirmed_at"] is not None:
        await flows.send_link(conn, state, user, kind="email_change", token_type="email_change_token_current",
                              verify_type="email_change", to=user["email"], redirect_to=redirect, pkce=pkce,
                              extra=extra, check_frequency=False)
