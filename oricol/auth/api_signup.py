"""POST /signup: email + password users, and anonymous users when enabled."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import asyncpg
from starlette.responses import Response

from . import api_phone, audit, errors, flows, passwords, redirects, sessions, txn, users
from .http import AuthRequest, json_response


def metadata(body: dict[str, Any]) -> dict[str, Any]:
    data = body.get("data")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise errors.validation("data must be a JSON object")
    return data


async def signup(req: AuthRequest) -> Response:
    state = req.state
    if state.config.disable_signup:
        raise errors.error(422, errors.SIGNUP_DISABLED, "Signups not allowed for this instance")
    body = await req.body()
    if not body.get("email") and not body.get("phone"):
        if body.get("password"):
            raise errors.validation("Signup requires a valid email or phone")
        return json_response(await anonymous(req, metadata(body)))
    if body.get("email") and body.get("phone"):
        raise errors.validation("Only an email address or phone number should be provided on signup.")
    if not body.get("email"):
        return await api_phone.signup(req, body)
    email = users.normalize_email(body.get("email"))
    password = body.get("password")
    if not isinstance(password, str) or not password:
        raise errors.error(422, errors.VALIDATION_FAILED, "Signup requires a valid password")
    passwords.check_rules(password, state.config.password_min_length, state.config.password_required_characters)
    data = metadata(body)
    await state.limiter.hit("sign_in", req.ip)
    hashed = await state.hasher.hash(password)
    redirect = redirects.choose(state.config, req.query.get("redirect_to") or body.get("redirect_to"))

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        existing = await users.by_email(conn, email)
        if existing is not None and state.config.autoconfirm:
            raise errors.error(422, errors.USER_ALREADY_EXISTS, "User already registered")
        if existing is not None and existing["email_confirmed_at"] is not None:
            return obfuscated_user(email, state.config.jwt_aud)
        if existing is not None:
            # Not confirmed yet: the confirmation mail goes out again, but the password is not replaced,
            # or whoever signed up second could sign in once the owner confirms.
            user = existing
        else:
            user = await users.create(conn, email=email, password_hash=hashed, user_metadata=data,
                                      confirmed=state.config.autoconfirm, aud=state.config.jwt_aud)
            await audit.record(conn, user, "user_signedup", "team", req.ip, {"provider": "email"})
        if state.config.autoconfirm:
            return await sessions.sign_in(conn, state, user, "password", req.ip, req.request.headers.get("user-agent"))
        pkce = await flows.start(conn, body, user["id"], "email/signup")
        await flows.send_link(conn, state, user, kind="confirmation", token_type="confirmation_token",
                              verify_type="signup", to=email, redirect_to=redirect, pkce=pkce)
        await audit.record(conn, user, "user_confirmation_requested", "user", req.ip, {"provider": "email"})
        return await users.full_json(conn, await users.by_id(conn, user["id"]))
    return json_response(await txn.run(state.pool, work))


async def anonymous(req: AuthRequest, data: dict[str, Any]) -> dict[str, Any]:
    state = req.state
    if not state.config.anonymous_sign_ins:
        raise errors.error(422, errors.ANONYMOUS_PROVIDER_DISABLED, "Anonymous sign-ins are disabled")
    await state.limiter.hit("anonymous", req.ip)

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        user = await users.create(conn, email=None, password_hash=None, user_metadata=data, confirmed=False,
                                  aud=state.config.jwt_aud, anonymous=True)
        await audit.record(conn, user, "user_signedup", "team", req.ip, {"provider": "anonymous"})
        return await sessions.sign_in(conn, state, user, "anonymous", req.ip, req.request.headers.get("user-agent"))
    return await txn.run(state.pool, work)


def obfuscated_user(email: str, aud: str) -> dict[str, Any]:
    """What GoTrue answers for an already confirmed address: a user-shaped reply that reveals nothing."""
    now = dt.datetime.now(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    return {"id": str(uuid.uuid4()), "aud": aud, "role": "authenticated", "email": email, "phone": "",
            "confirmation_sent_at": now, "app_metadata": {"provider": "email", "providers": ["email"]},
            "user_metadata": {}, "identities": [], "created_at": now, "updated_at": now, "is_anonymous": False}
