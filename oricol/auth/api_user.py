"""GET /user, PUT /user (metadata, password, email change with confirmation) and GET /reauthenticate."""
from __future__ import annotations

from typing import Any

import asyncpg
from starlette.responses import Response

from . import api_phone, api_signup, audit, current, errors, flows, otp, passwords, redirects, sessions, txn, users
from .http import AuthRequest, json_response


async def get_user(req: AuthRequest) -> Response:
    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        caller = await current.load(req, conn)
        return await users.full_json(conn, caller.user)
    return json_response(await txn.run(req.state.pool, work))


def merge_metadata(existing: dict[str, Any] | None, changes: dict[str, Any]) -> dict[str, Any]:
    """GoTrue merges top-level keys; a key set to null is removed."""
    merged = dict(existing or {})
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


async def update_user(req: AuthRequest) -> Response:
    state = req.state
    body = await req.body()
    password = body.get("password")
    if password is not None:
        if not isinstance(password, str):
            raise errors.validation("password must be a string")
        passwords.check_rules(password, state.config.password_min_length, state.config.password_required_characters)
    new_hash = await state.hasher.hash(password) if password else None
    redirect = redirects.choose(state.config, req.query.get("redirect_to") or body.get("redirect_to"))
    new_phone = api_phone.requested_phone(req, body)

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        caller = await current.load(req, conn)
        user = caller.user
        if body.get("data") is not None:
            merged = merge_metadata(user["raw_user_meta_data"], api_signup.metadata(body))
            user = await users.set_column(conn, user["id"], "raw_user_meta_data", merged)
        if password and new_hash:
            user = await _change_password(req, conn, caller, user, password, new_hash, body.get("nonce"))
        if body.get("email"):
            user = await _request_email_change(req, conn, user, users.normalize_email(body["email"]), body, redirect)
        if new_phone:
            user = await api_phone.change_phone(req, conn, user, new_phone)
        await audit.record(conn, user, "user_modified", "user", req.ip, {})
        return await users.full_json(conn, user)
    return json_response(await txn.run(state.pool, work))


async def _change_password(req: AuthRequest, conn: asyncpg.Connection, caller: current.Current,
                           user: asyncpg.Record, password: str, new_hash: str, nonce: Any) -> asyncpg.Record:
    state = req.state
    if await state.hasher.verify(password, user["encrypted_password"]):
        raise errors.error(422, errors.SAME_PASSWORD, "New password should be different from the old password.")
    if state.config.secure_password_change and user["email"]:
        if not nonce:
            raise errors.error(400, errors.REAUTHENTICATION_NEEDED, "Password update requires reauthentication")
        try:
            await otp.consume_code(conn, state, user["email"], str(nonce), ("reauthentication_token",))
        except Exception:
            raise errors.error(400, errors.REAUTHENTICATION_NOT_VALID, "Requested nonce is invalid") from None
    user = await users.set_column(conn, user["id"], "encrypted_password", new_hash)
    # A new password signs out every other session, as GoTrue does.
    await sessions.revoke(conn, user["id"], caller.session_id, "others")
    await audit.record(conn, user, "user_updated_password", "user", req.ip, {})
    return user


async def _request_email_change(req: AuthRequest, conn: asyncpg.Connection, user: asyncpg.Record, new_email: str,
                                body: dict[str, Any], redirect: str) -> asyncpg.Record:
    state = req.state
    if user["email"] and new_email == user["email"].lower():
        return user
    taken = await users.by_email(conn, new_email)
    if taken is not None and taken["id"] != user["id"]:
        raise errors.error(422, errors.EMAIL_EXISTS, "A user with this email address has already been registered")
    user = await users.request_email_change(conn, user["id"], new_email)
    await otp.forget(conn, user["id"], ("email_change_token_new", "email_change_token_current"))
    pkce = await flows.start(conn, body, user["id"], "email_change")
    extra = {"NewEmail": new_email}
    await flows.send_link(conn, state, user, kind="email_change", token_type="email_change_token_new",
                          verify_type="email_change", to=new_email, redirect_to=redirect, pkce=pkce, extra=extra)
    if state.config.secure_email_change and user["email"] and user["email_confirmed_at"] is not None:
        await flows.send_link(conn, state, user, kind="email_change", token_type="email_change_token_current",
                              verify_type="email_change", to=user["email"], redirect_to=redirect, pkce=pkce,
                              extra=extra, check_frequency=False)
    return await users.by_id(conn, user["id"])


async def reauthenticate(req: AuthRequest) -> Response:
    state = req.state

    async def work(conn: asyncpg.Connection) -> None:
        caller = await current.load(req, conn)
        if not caller.user["email"]:
            raise errors.validation("Reauthentication requires the user to have an email")
        otp.check_frequency(state, caller.user, "reauthentication_token")
        code, _ = await otp.issue(conn, state, caller.user, "reauthentication_token", caller.user["email"])
        from . import mails
        await mails.send(state, "reauthentication", caller.user["email"], {"Token": code})
    await txn.run(state.pool, work)
    return json_response({})
