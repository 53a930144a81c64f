"""The admin API (service_role only): users, invites, generated links, a user's MFA factors."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import asyncpg
from starlette.responses import Response

from . import api_user, audit, current, errors, factors, flows, passwords, phones, redirects, sessions, txn, users
from .http import AuthRequest, json_response, page_params, paged_response

DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


def parse_duration(value: Any) -> dt.timedelta | None:
    """A Go duration ('24h', '1h30m'), as GoTrue's ban_duration; 'none' lifts a ban (None)."""
    if value == "none":
        return None
    text = str(value or "")
    if not text or DURATION_PART.sub("", text) != "":
        raise errors.validation("invalid format for ban duration: " + text[:40])
    return dt.timedelta(seconds=sum(float(n) * UNIT_SECONDS[u] for n, u in DURATION_PART.findall(text)))


def _user_id(req: AuthRequest, name: str = "user_id") -> uuid.UUID:
    try:
        return uuid.UUID(req.request.path_params[name])
    except ValueError:
        raise errors.error(404, errors.USER_NOT_FOUND, "User not found") from None


def _dict_field(body: dict[str, Any], *names: str) -> dict[str, Any] | None:
    for name in names:
        if body.get(name) is not None:
            if not isinstance(body[name], dict):
                raise errors.validation(f"{name} must be a JSON object")
            return body[name]
    return None



async def list_users(req: AuthRequest) -> Response:
    current.require_service_role(req)
    page, per_page = page_params(req.query)

    async def work(conn: asyncpg.Connection) -> tuple[list[dict[str, Any]], int]:
        rows, total = await users.page(conn, per_page, (page - 1) * per_page)
        return [await users.full_json(conn, row) for row in rows], total
    listed, total = await txn.run(req.state.pool, work)
    return paged_response("/admin/users", "users", listed, total, page, per_page, aud=req.state.config.jwt_aud)


async def create_user(req: AuthRequest) -> Response:
    current.require_service_role(req)
    state = req.state
    body = await req.body()
    email = users.normalize_email(body["email"]) if body.get("email") else None
    if email is None and not body.get("phone"):
        raise errors.validation("Unable to validate email address: invalid format")
    phone = phones.validated(body["phone"]) if body.get("phone") else None
    hashed = await _password_hash(state, body)
    user_id = None
    if body.get("id"):
        try:
            user_id = uuid.UUID(str(body["id"]))
        except ValueError:
            raise errors.validation("id must be a UUID") from None

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        if email is not None and await users.by_email(conn, email) is not None:
            raise errors.error(422, errors.EMAIL_EXISTS, "A user with this email address has already been registered")
        if phone is not None and await phones.is_taken(conn, phone, state.config.jwt_aud):
            raise errors.error(422, "phone_exists", "Phone number already registered by another user")
        user = await users.create(conn, email=email, password_hash=hashed,
                                  user_metadata=_dict_field(body, "user_metadata", "data") or {},
                                  confirmed=bool(body.get("email_confirm")), aud=state.config.jwt_aud,
                                  role=str(body.get("role") or "authenticated"),
                                  app_meta=_dict_field(body, "app_metadata"), user_id=user_id)
        if phone is not None:
            user = await phones.attach(conn, user, phone, bool(body.get("phone_confirm")))
        if body.get("ban_duration"):
            user = await _ban(conn, user, body["ban_duration"])
        await audit.record(conn, None, "user_signedup", "team", req.ip, {"user_id": str(user["id"]), "by": "admin"})
        return await users.full_json(conn, user)
    return json_response(await txn.run(state.pool, work))


async def _password_hash(state: Any, body: dict[str, Any]) -> str | None:
    if body.get("password_hash"):
        given = str(body["password_hash"])
        if not given.startswith("$2"):
            raise errors.validation("Invalid password hash format: only bcrypt hashes are supported")
        return given
    password = body.get("password")
    if password is None:
        return None
    if not isinstance(password, str):
        raise errors.validation("password must be a string")
    passwords.check_rules(password, state.config.password_min_length, state.config.password_required_characters)
    return await state.hasher.hash(password)


async def _ban(conn: asyncpg.Connection, user: asyncpg.Record, duration: Any) -> asyncpg.Record:
    length = parse_duration(duration)
    until = dt.datetime.now(dt.timezone.utc) + length if length is not None else None
    if until is not None:
        await sessions.revoke(conn, user["id"], None, "global")
    return await users.set_column(conn, user["id"], "banned_until", until)


async def get_user(req: AuthRequest) -> Response:
    current.require_service_role(req)
    user_id = _user_id(req)

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        user = await users.by_id(conn, user_id)
        if user is None:
            raise errors.user_not_found()
        return await users.full_json(conn, user)
    return json_response(await txn.run(req.state.pool, work))


async def update_user(req: AuthRequest) -> Response:
    current.require_service_role(req)
    state = req.state
    user_id = _user_id(req)
    body = await req.body()
    hashed = await _password_hash(state, body)
    email = users.normalize_email(body["email"]) if body.get("email") else None

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        user = await users.by_id(conn, user_id)
        if user is None:
            raise errors.user_not_found()
        if email is not None and email != (user["email"] or "").lower():
            user = await _set_email(conn, user, email)
        if hashed is not None:
            user = await users.set_column(conn, user_id, "encrypted_password", hashed)
        user_meta = _dict_field(body, "user_metadata", "data")
        if user_meta is not None:
            merged = api_user.merge_metadata(user["raw_user_meta_data"], user_meta)
            user = await users.set_column(conn, user_id, "raw_user_meta_data", merged)
        app_meta = _dict_field(body, "app_metadata")
        if app_meta is not None:
            merged = api_user.merge_metadata(user["raw_app_meta_data"], app_meta)
            user = await users.set_column(conn, user_id, "raw_app_meta_data", merged)
        if body.get("role"):
            user = await users.set_column(conn, user_id, "role", str(body["role"]))
        if body.get("email_confirm") is True:
            user = await users.confirm_email(conn, user_id)
        if body.get("ban_duration"):
            user = await _ban(conn, user, body["ban_duration"])
        await audit.record(conn, None, "user_modified", "user", req.ip, {"user_id": str(user_id), "by": "admin"})
        return await users.full_json(conn, user)
    return json_response(await txn.run(state.pool, work))


async def _set_email(conn: asyncpg.Connection, user: asyncpg.Record, email: str) -> asyncpg.Record:
    if await users.by_email(conn, email) is not None:
        raise errors.error(422, errors.EMAIL_EXISTS, "A user with this email address has already been registered")
    return await users.set_email(conn, user["id"], email)


async def delete_user(req: AuthRequest) -> Response:
    current.require_service_role(req)
    user_id = _user_id(req)
    body = await req.body()

    async def work(conn: asyncpg.Connection) -> None:
        user = await users.by_id(conn, user_id)
        if user is None:
            raise errors.user_not_found()
        if body.get("should_soft_delete"):
            await users.soft_delete(conn, user_id)
        else:
            await users.delete(conn, user_id)
        await audit.record(conn, None, "user_deleted", "team", req.ip, {"user_id": str(user_id), "by": "admin"})
    await txn.run(req.state.pool, work)
    return json_response({})


async def invite(req: AuthRequest) -> Response:
    current.require_service_role(req)
    state = req.state
    body = await req.body()
    email = users.normalize_email(body.get("email"))
    redirect = redirects.choose(state.config, req.query.get("redirect_to") or body.get("redirect_to"))

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        user = await users.by_email(conn, email)
        if user is not None and user["email_confirmed_at"] is not None:
            raise errors.error(422, errors.EMAIL_EXISTS, "A user with this email address has already been registered")
        if user is None:
            user = await users.create(conn, email=email, password_hash=None, aud=state.config.jwt_aud,
                                      user_metadata=_dict_field(body, "data") or {}, confirmed=False, invited=True)
        await flows.send_link(conn, state, user, kind="invite", token_type="confirmation_token",
                              verify_type="invite", to=email, redirect_to=redirect, check_frequency=False)
        await audit.record(conn, None, "user_invited", "team", req.ip, {"user_email": email})
        return await users.full_json(conn, await users.by_id(conn, user["id"]))
    return json_response(await txn.run(state.pool, work))


LINKS = {
    "signup": ("confirmation_token", "signup"),
    "invite": ("confirmation_token", "invite"),
    "magiclink": ("recovery_token", "magiclink"),
    "recovery": ("recovery_token", "recovery"),
    "email_change_current": ("email_change_token_current", "email_change"),
    "email_change_new": ("email_change_token_new", "email_change"),
}


async def generate_link(req: AuthRequest) -> Response:
    """The link and code a mail would carry, for apps that send their own mail (nothing is sent)."""
    current.require_service_role(req)
    state = req.state
    body = await req.body()
    kind = body.get("type")
    if kind not in LINKS:
        raise errors.validation("Invalid email action link type requested: " + str(kind)[:40])
    email = users.normalize_email(body.get("email"))
    redirect = redirects.choose(state.config, req.query.get("redirect_to") or body.get("redirect_to"))
    hashed = await _password_hash(state, body) if kind == "signup" else None

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        user = await _link_user(conn, state, body, kind, email, hashed)
        token_type, verify_type = LINKS[kind]
        to = email
        if kind.startswith("email_change"):
            user = await _start_email_change(conn, state, user, kind, body.get("new_email"))
            to = user["email_change"] if kind == "email_change_new" else email
        if verify_type in ("signup", "invite") and user["email_confirmed_at"] is not None and kind == "signup":
            raise errors.error(422, errors.EMAIL_EXISTS, "A user with this email address has already been registered")
        link = await flows.send_link(conn, state, user, kind="", token_type=token_type, verify_type=verify_type,
                                     to=to, redirect_to=redirect, check_frequency=False)
        # The link verifies as `email_change`, but GoTrue answers the requested type (the clients check it).
        return {**await users.full_json(conn, await users.by_id(conn, user["id"])), **link, "verification_type": kind}
    return json_response(await txn.run(state.pool, work))


async def _start_email_change(conn: asyncpg.Connection, state: Any, user: asyncpg.Record, kind: str,
                              new_email: Any) -> asyncpg.Record:
    """As GoTrue's generate_link for email_change_*: the current address's link only with secure email
    change on, the new address checked and free, the change recorded as just sent and unconfirmed."""
    if kind == "email_change_current" and not state.config.secure_email_change:
        raise errors.validation("Enable secure email change to generate link for current email")
    new_email = users.normalize_email(new_email)
    other = await users.by_email(conn, new_email)
    if other is not None and other["id"] != user["id"]:
        raise errors.error(422, errors.EMAIL_EXISTS, "A user with this email address has already been registered")
    return await users.start_email_change(conn, user["id"], new_email)


async def _link_user(conn: asyncpg.Connection, state: Any, body: dict[str, Any], kind: str, email: str,
                     hashed: str | None) -> asyncpg.Record:
    user = await users.by_email(conn, email)
    if user is not None:
        return user
    if kind not in ("signup", "invite"):
        raise errors.user_not_found()
    return await users.create(conn, email=email, password_hash=hashed, aud=state.config.jwt_aud,
                              user_metadata=_dict_field(body, "data") or {}, confirmed=False,
                              invited=kind == "invite")


async def list_factors(req: AuthRequest) -> Response:
    current.require_service_role(req)
    user_id = _user_id(req)

    async def work(conn: asyncpg.Connection) -> list[dict[str, Any]]:
        if await users.by_id(conn, user_id) is None:
            raise errors.user_not_found()
        return [users.factor_json(r) for r in await factors.of_user(conn, user_id)]
    return json_response(await txn.run(req.state.pool, work))


async def delete_factor(req: AuthRequest) -> Response:
    current.require_service_role(req)
    user_id, factor_id = _user_id(req), _user_id(req, "factor_id")

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        deleted = await factors.delete(conn, factor_id, user_id)
        if deleted is None:
            raise errors.error(404, errors.MFA_FACTOR_NOT_FOUND, "Factor not found")
        if deleted["status"] == "verified":  # sessions that relied on it end, as GoTrue does
            await sessions.drop_factor(conn, user_id, factor_id)
        return {"id": str(factor_id)}
    return json_response(await txn.run(req.state.pool, work))
