"""Phone sign-up and sign-in, as GoTrue's phone provider: `/signup`, `/otp`, `/verify` (`sms`,
`phone_change`), `/resend`, the `password` grant and `PUT /user` when the body names a `phone`.

The endpoint modules of the email flows hand a request here when it carries a phone and no email,
so each route keeps one entry point. Codes go out through the SMS hook (sms.py, phone_otp.py).
"""
from __future__ import annotations

from typing import Any

import asyncpg
from starlette.responses import Response

from . import api_signup, audit, errors, passwords, phone_otp, phones, sessions, txn, users
from .http import AuthRequest, json_response

INVALID_CHANNEL = ("Invalid channel, supported values are 'sms' or 'whatsapp'. 'whatsapp' is only supported if "
                   "Twilio or Twilio Verify is used as the provider.")


def _check_channel(req: AuthRequest, body: dict[str, Any]) -> None:
    """With a send-SMS hook any channel goes (the hook decides), as GoTrue; without one only `sms`."""
    if req.state.sms is None and body.get("channel") not in (None, "", "sms"):
        raise errors.validation(INVALID_CHANNEL)


def _message(message_id: str) -> dict[str, str]:
    return {"message_id": message_id} if message_id else {}


def _user_agent(req: AuthRequest) -> str | None:
    return req.request.headers.get("user-agent")


async def signup(req: AuthRequest, body: dict[str, Any]) -> Response:
    state, sms = req.state, req.state.config.sms
    password = body.get("password")
    if not isinstance(password, str) or not password:
        raise errors.validation("Signup requires a valid password")
    passwords.check_rules(password, state.config.password_min_length, state.config.password_required_characters)
    _check_channel(req, body)
    if body.get("code_challenge"):
        raise errors.validation("PKCE not supported for phone signups")
    if not sms.phone_enabled:
        raise errors.error(400, "phone_provider_disabled", "Phone signups are disabled")
    phone = phones.validated(body.get("phone"))
    data = api_signup.metadata(body)
    await state.limiter.hit("sign_in", req.ip)
    hashed = await state.hasher.hash(password)
    return json_response(await txn.run(state.pool, lambda conn: _sign_up(req, conn, phone, hashed, data)))


async def _sign_up(req: AuthRequest, conn: asyncpg.Connection, phone: str, password_hash: str | None,
                   data: dict[str, Any], session: bool = True) -> dict[str, Any]:
    """GoTrue's phone branch of Signup: a new (or still unconfirmed) user gets a code, or a session
    straight away with SMS autoconfirm; a confirmed number gets nothing that tells it apart."""
    state = req.state
    user = await phones.by_phone(conn, phone, state.config.jwt_aud)
    if user is not None and user["phone_confirmed_at"] is not None:
        await audit.record(conn, user, "user_repeated_signup", "user", req.ip, {"provider": "phone"})
        if state.config.autoconfirm or state.config.sms.autoconfirm:
            raise sessions.CommitThenRaise(errors.error(422, "user_already_exists", "User already registered"))
        return phones.obfuscated_user(phone, data, state.config.jwt_aud)
    if user is None:
        # Not updated when it exists: who signs up again cannot be told from the number's owner.
        user = await phones.create(conn, phone=phone, password_hash=password_hash or "", data=data,
                                   aud=state.config.jwt_aud)
    if state.config.sms.autoconfirm:
        await audit.record(conn, user, "user_signedup", "team", req.ip, {"provider": "phone", "channel": "sms"})
        user = await phones.confirm(conn, user["id"])
        if not session:  # /otp texts a code next instead
            return {}
        return await sessions.sign_in(conn, state, user, "password", req.ip, _user_agent(req), provider="phone")
    await audit.record(conn, user, "user_confirmation_requested", "user", req.ip, {"provider": "phone"})
    await phone_otp.send(conn, state, user, phone, "sms", req.ip)
    return await users.full_json(conn, await users.by_id(conn, user["id"]))


async def otp(req: AuthRequest, body: dict[str, Any]) -> Response:
    """signInWithOtp({phone}): a code to a confirmed number; an unknown one signs up first (unless
    `create_user` is false: 422 otp_disabled, checked before the provider is, as GoTrue)."""
    state = req.state
    if body.get("create_user") is False:
        phone = phones.validated(body.get("phone"))
        async with state.pool.acquire() as conn:
            if await phones.by_phone(conn, phone, state.config.jwt_aud) is None:
                raise errors.error(422, "otp_disabled", "Signups not allowed for otp")
    if not state.config.sms.phone_enabled:
        raise errors.error(400, "phone_provider_disabled", "Unsupported phone provider")
    phone = phones.validated(body.get("phone"))
    _check_channel(req, body)
    data = api_signup.metadata(body)
    await state.limiter.hit("sign_in", req.ip)  # GoTrue's per-IP RATE_LIMIT_OTP has the same default

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        user = await phones.by_phone(conn, phone, state.config.jwt_aud)
        if user is None or user["phone_confirmed_at"] is None:
            if state.config.disable_signup:
                raise errors.error(422, "signup_disabled", "Signups not allowed for this instance")
            await _sign_up(req, conn, phone, None, data, session=False)
            if not state.config.sms.autoconfirm:
                return {}
            user = await phones.by_phone(conn, phone, state.config.jwt_aud)  # confirmed now: a code follows
        await audit.record(conn, user, "user_recovery_requested", "user", req.ip, {"channel": "sms"})
        return _message(await phone_otp.send(conn, state, user, phone, "sms", req.ip))
    return json_response(await txn.run(state.pool, work))


async def verify(req: AuthRequest, body: dict[str, Any]) -> Response:
    """verifyOtp({phone, token, type: 'sms' | 'phone_change'}): the code confirms the number (or the
    new number) and signs in."""
    state = req.state
    kind, token = body.get("type"), body.get("token")
    if not kind:
        raise errors.validation("Verify requires a verification type")
    if not token:
        raise errors.validation("Verify requires a token or a token hash")
    phone = phones.validated(body.get("phone"))
    await state.limiter.hit("verify", req.ip)
    if kind not in phone_otp.KINDS:
        raise errors.otp_invalid()  # GoTrue looks the user up by an (absent) email: nobody is found

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        find = phones.by_phone if kind == "sms" else phones.by_phone_change
        user = await find(conn, phone, state.config.jwt_aud)
        if user is None:
            raise errors.otp_invalid()
        if users.is_banned(user):
            raise errors.error(403, "user_banned", "User is banned")
        await phone_otp.verify(conn, state, user, phone, str(token).strip(), kind)
        if kind == "sms":
            await audit.record(conn, user, "user_signedup", "team", req.ip, {"provider": "phone"})
            user = await phones.add_provider(conn, await phones.confirm(conn, user["id"]))
        else:
            await audit.record(conn, user, "user_modified", "user", req.ip, {})
            user = await phones.confirm_change(conn, user)
        return await sessions.sign_in(conn, state, user, "otp", req.ip, _user_agent(req), provider="phone")
    return json_response(await txn.run(state.pool, work))


async def password_grant(req: AuthRequest, body: dict[str, Any]) -> dict[str, Any]:
    """signInWithPassword({phone, password}); the number is only formatted, not validated, as GoTrue."""
    state = req.state
    if body.get("email"):
        raise errors.validation("Only an email address or phone number should be provided on login.")
    if not state.config.sms.phone_enabled:
        raise errors.error(422, "phone_provider_disabled", "Phone logins are disabled")
    password = body.get("password")
    async with state.pool.acquire() as conn:
        user = await phones.by_phone(conn, phones.formatted(body.get("phone")), state.config.jwt_aud)
    stored = user["encrypted_password"] if user is not None and user["encrypted_password"] else None
    # Checked outside any transaction, and for unknown numbers too (the same time either way).
    if not await state.hasher.verify(password if isinstance(password, str) else "", stored) or user is None:
        if user is not None:
            async with state.pool.acquire() as conn:
                await audit.record(conn, user, "login_failed", "account", req.ip, {"provider": "phone"})
        raise errors.invalid_credentials()
    if users.is_banned(user):
        raise errors.error(400, "user_banned", "User is banned")
    if user["phone_confirmed_at"] is None:
        raise errors.error(400, "phone_not_confirmed", "Phone not confirmed")
    return await txn.run(state.pool, lambda conn: sessions.sign_in(
        conn, state, user, "password", req.ip, _user_agent(req), provider="phone"))


async def resend(req: AuthRequest, body: dict[str, Any]) -> Response:
    """resend({type: 'sms' | 'phone_change', phone}): another code, after the per-number pause; `{}` for
    numbers with nothing pending, so the answer tells no one which numbers are registered."""
    state = req.state
    kind = body.get("type")
    if kind == "sms" and not body.get("phone"):
        raise errors.validation("Type provided requires a phone number")
    if body.get("email") and body.get("phone"):
        raise errors.validation("Only an email address or phone number should be provided.")
    if not body.get("phone"):
        raise errors.validation("Missing email address or phone number")
    if not state.config.sms.phone_enabled:
        raise errors.error(400, "phone_provider_disabled", "Phone logins are disabled")
    phone = phones.validated(body.get("phone"))
    await state.limiter.hit("sign_in", req.ip)

    async def work(conn: asyncpg.Connection) -> dict[str, str]:
        user = await phones.by_phone(conn, phone, state.config.jwt_aud)
        if user is None:
            return {}
        if kind == "sms":
            if user["phone_confirmed_at"] is not None:
                return {}
            await audit.record(conn, user, "user_recovery_requested", "user", req.ip, {})
            return _message(await phone_otp.send(conn, state, user, phone, "sms", req.ip))
        if not user["phone_change"]:
            return {}
        return _message(await phone_otp.send(conn, state, user, user["phone_change"], "phone_change", req.ip))
    return json_response(await txn.run(state.pool, work))


def requested_phone(req: AuthRequest, body: dict[str, Any]) -> str | None:
    """PUT /user's `phone`, validated before any work starts (None when not asked)."""
    if not body.get("phone"):
        return None
    phone = phones.validated(body.get("phone"))
    _check_channel(req, body)
    return phone


async def change_phone(req: AuthRequest, conn: asyncpg.Connection, user: asyncpg.Record,
                       phone: str) -> asyncpg.Record:
    """updateUser({phone}): a code to the new number (confirmed by verifyOtp type `phone_change`), or the
    change at once with SMS autoconfirm. A number another user holds is GoTrue's 422 phone_exists."""
    state = req.state
    if phone == (user["phone"] or ""):
        return user
    if await phones.is_taken(conn, phone, state.config.jwt_aud):
        raise errors.error(422, "phone_exists", "A user with this phone number has already been registered")
    if state.config.sms.autoconfirm:
        user = await phones.set_change(conn, user["id"], phone)
        await audit.record(conn, user, "user_modified", "user", req.ip, {})
        return await phones.confirm_change(conn, user)
    await phone_otp.send(conn, state, user, phone, "phone_change", req.ip)
    return await users.by_id(conn, user["id"])
