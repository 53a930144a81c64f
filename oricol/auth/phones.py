"""Phone numbers as GoTrue keeps them, and the auth.users rows of phone users.

GoTrue stores a number as E.164 digits without the `+` (`15551234567`): the `+` and spaces are
dropped, then the rest must be a non-zero digit and 1 to 14 more digits.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import asyncpg

from . import errors, users

E164 = re.compile(r"^[1-9][0-9]{1,14}$")

SELECT_BY_PHONE = ("select * from auth.users where phone = $1 and aud = $2 and is_sso_user = false "
                   "and deleted_at is null limit 1")
SELECT_BY_PHONE_CHANGE = ("select * from auth.users where phone_change = $1 and aud = $2 and is_sso_user = false "
                          "and deleted_at is null order by phone_change_sent_at desc nulls last limit 1")
INSERT_PHONE_USER = """
insert into auth.users (instance_id, id, aud, role, phone, encrypted_password, phone_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, is_anonymous, created_at, updated_at)
values ($1, $2, $3, 'authenticated', $4, $5, null, $6, $7, false, now(), now())
returning *
"""
INSERT_PHONE_IDENTITY = """
insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at)
values ($1, $2, $3, 'phone', now())
on conflict (provider_id, provider) do update set identity_data = auth.identities.identity_data || excluded.identity_data,
  updated_at = now()
"""


def formatted(value: Any) -> str:
    """GoTrue's formatPhoneNumber: without the leading `+` and without spaces (no validation)."""
    text = value if isinstance(value, str) else ""
    return text.strip().removeprefix("+").replace(" ", "")


def validated(value: Any) -> str:
    """The stored form of a number, or GoTrue's 400 for one that is not E.164."""
    phone = formatted(value)
    if not E164.match(phone):
        raise errors.validation("Invalid phone number format (E.164 required)")
    return phone


async def by_phone(conn: asyncpg.Connection, phone: str, aud: str) -> asyncpg.Record | None:
    return await conn.fetchrow(SELECT_BY_PHONE, phone, aud)


async def by_phone_change(conn: asyncpg.Connection, phone: str, aud: str) -> asyncpg.Record | None:
    return await conn.fetchrow(SELECT_BY_PHONE_CHANGE, phone, aud)


async def is_taken(conn: asyncpg.Connection, phone: str, aud: str) -> bool:
    return await by_phone(conn, phone, aud) is not None


async def create(conn: asyncpg.Connection, *, phone: str, password_hash: str, data: dict[str, Any],
                 aud: str) -> asyncpg.Record:
    """A new phone user and its `phone` identity, as GoTrue's signup makes them (unconfirmed)."""
    user_id = uuid.uuid4()
    meta = {"provider": "phone", "providers": ["phone"]}
    try:
        row = await conn.fetchrow(INSERT_PHONE_USER, users.INSTANCE_ID, user_id, aud, phone, password_hash,
                                  meta, data)
    except asyncpg.UniqueViolationError:
        raise errors.error(422, "phone_exists", "A user with this phone number has already been registered") from None
    # GoTrue's identity data for a phone signup: the subject, both flags false, then the user's data.
    identity = {"sub": str(user_id), "email_verified": False, "phone_verified": False}
    identity.update({key: value for key, value in data.items() if key not in identity})
    await conn.execute(INSERT_PHONE_IDENTITY, str(user_id), user_id, identity)
    return row


async def confirm(conn: asyncpg.Connection, user_id: uuid.UUID) -> asyncpg.Record:
    """GoTrue's ConfirmPhone: the number is confirmed and every pending one-time token is spent."""
    row = await conn.fetchrow(
        "update auth.users set phone_confirmed_at = now(), confirmation_token = '', updated_at = now() "
        "where id = $1 returning *", user_id)
    await conn.execute("delete from auth.one_time_tokens where user_id = $1", user_id)
    return row


async def confirm_change(conn: asyncpg.Connection, user: asyncpg.Record) -> asyncpg.Record:
    """GoTrue's ConfirmPhoneChange: the new number replaces the old, confirmed, with a phone identity."""
    phone = user["phone_change"]
    try:
        row = await conn.fetchrow(
            "update auth.users set phone = phone_change, phone_change = '', phone_change_token = '', "
            "phone_confirmed_at = now(), is_anonymous = false, updated_at = now() where id = $1 returning *",
            user["id"])
    except asyncpg.UniqueViolationError:
        raise errors.error(422, "phone_exists", "A user with this phone number has already been registered") from None
    await conn.execute("delete from auth.one_time_tokens where user_id = $1", user["id"])
    await conn.execute(INSERT_PHONE_IDENTITY, str(user["id"]), user["id"],
                       {"sub": str(user["id"]), "phone": phone, "email_verified": False, "phone_verified": True})
    return await add_provider(conn, row)


async def add_provider(conn: asyncpg.Connection, user: asyncpg.Record) -> asyncpg.Record:
    """`phone` in app_metadata.providers once the user has a phone identity (GoTrue's UpdateAppMetaDataProviders)."""
    meta = users.app_metadata(user)
    providers = list(meta.get("providers") or [])
    if "phone" in providers:
        return user
    meta["providers"] = providers + ["phone"]
    meta.setdefault("provider", "phone")
    return await conn.fetchrow("update auth.users set raw_app_meta_data = $2, updated_at = now() "
                               "where id = $1 returning *", user["id"], meta)


async def attach(conn: asyncpg.Connection, user: asyncpg.Record, phone: str, confirmed: bool) -> asyncpg.Record:
    """An admin-made user's number, as GoTrue's admin create: the `phone` provider and identity beside any email."""
    meta = users.app_metadata(user)
    meta["providers"] = list(meta.get("providers") or []) + ["phone"]
    meta["provider"] = meta.get("provider") or "phone"
    try:
        row = await conn.fetchrow(
            "update auth.users set phone = $2, phone_confirmed_at = case when $3 then now() end, "
            "raw_app_meta_data = $4, updated_at = now() where id = $1 returning *", user["id"], phone, confirmed, meta)
    except asyncpg.UniqueViolationError:
        raise errors.error(422, "phone_exists", "Phone number already registered by another user") from None
    await conn.execute(INSERT_PHONE_IDENTITY, str(user["id"]), user["id"],
                       {"sub": str(user["id"]), "phone": phone, "email_verified": False, "phone_verified": False})
    return row


def obfuscated_user(phone: str, data: dict[str, Any], aud: str) -> dict[str, Any]:
    """GoTrue's sanitizeUser for a number already registered and confirmed: a reply that reveals nothing."""
    now = dt.datetime.now(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    return {"id": str(uuid.uuid4()), "aud": aud, "role": "", "email": "", "phone": phone,
            "confirmation_sent_at": now, "app_metadata": {"provider": "phone", "providers": ["phone"]},
            "user_metadata": data, "identities": [], "created_at": now, "updated_at": now, "is_anonymous": False}


async def remove(conn: asyncpg.Connection, user_id: uuid.UUID) -> None:
    """The user's number gone (its phone identity was unlinked)."""
    await conn.execute("update auth.users set phone = null, phone_confirmed_at = null, updated_at = now() "
                       "where id = $1", user_id)


async def set_change(conn: asyncpg.Connection, user_id: uuid.UUID, phone: str) -> asyncpg.Record:
    """A change to `phone` recorded as pending (confirm_change applies it)."""
    return await conn.fetchrow("update auth.users set phone_change = $2 where id = $1 returning *", user_id, phone)
