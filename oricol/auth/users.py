"""auth.users rows: finding, creating and changing users, and their JSON as GoTrue returns it."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any, Sequence

import asyncpg

from oricol.sql import ident, param, raw, render

from . import errors

INSTANCE_ID = uuid.UUID(int=0)
# GoTrue's check (checkmail's format): a local part of the characters RFC 5322 allows unquoted, and a
# domain of dot-separated labels of letters, digits and inner hyphens (no empty label: `a@b..com` fails).
EMAIL = re.compile(r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
                   r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$")

SELECT_BY_ID = "select * from auth.users where id = $1"
SELECT_BY_EMAIL = ("select * from auth.users where lower(email) = lower($1) and is_sso_user = false "
                   "and deleted_at is null order by created_at limit 1")
SELECT_IDENTITIES = "select * from auth.identities where user_id = $1 order by created_at"
SELECT_FACTORS = "select * from auth.mfa_factors where user_id = $1 order by created_at"

INSERT_USER = """
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        confirmation_sent_at, invited_at, raw_app_meta_data, raw_user_meta_data,
                        is_anonymous, created_at, updated_at)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now(), now())
returning *
"""
INSERT_IDENTITY = """
insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at)
values ($1, $2, $3, 'email', now())
on conflict (provider_id, provider) do update set identity_data = excluded.identity_data, updated_at = now()
"""


def normalize_email(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise errors.validation("An email address is required")
    email = value.strip().lower()
    if len(email) > 255:
        raise errors.validation("An email address is too long")
    if not EMAIL.match(email):
        raise errors.validation("Unable to validate email address: invalid format")
    return email


def timestamp(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def app_metadata(row: asyncpg.Record) -> dict[str, Any]:
    meta = dict(row["raw_app_meta_data"] or {})
    if row["email"] and "provider" not in meta:  # users inserted by SQL carry no metadata
        meta["provider"] = "email"
        meta.setdefault("providers", ["email"])
    return meta


def identity_json(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "identity_id": str(row["id"]), "id": row["provider_id"], "user_id": str(row["user_id"]),
        "identity_data": row["identity_data"], "provider": row["provider"],
        "last_sign_in_at": timestamp(row["last_sign_in_at"]), "created_at": timestamp(row["created_at"]),
        "updated_at": timestamp(row["updated_at"]), "email": row["email"],
    }


def factor_json(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(row["id"]), "status": row["status"], "friendly_name": row["friendly_name"] or "",
        "factor_type": row["factor_type"], "created_at": timestamp(row["created_at"]),
        "updated_at": timestamp(row["updated_at"]),
    }


def user_json(row: asyncpg.Record, identities: Sequence[asyncpg.Record] = (), factors: Sequence[asyncpg.Record] = ()
              ) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(row["id"]), "aud": row["aud"] or "", "role": row["role"] or "",
        "email": row["email"] or "", "email_confirmed_at": timestamp(row["email_confirmed_at"]),
        "phone": row["phone"] or "", "phone_confirmed_at": timestamp(row["phone_confirmed_at"]),
        "confirmation_sent_at": timestamp(row["confirmation_sent_at"]),
        "confirmed_at": timestamp(row["confirmed_at"]),
        "recovery_sent_at": timestamp(row["recovery_sent_at"]),
        "new_email": row["email_change"] or None,
        "email_change_sent_at": timestamp(row["email_change_sent_at"]),
        "new_phone": row["phone_change"] or None,
        "phone_change_sent_at": timestamp(row["phone_change_sent_at"]),
        "invited_at": timestamp(row["invited_at"]),
        "last_sign_in_at": timestamp(row["last_sign_in_at"]),
        "app_metadata": app_metadata(row), "user_metadata": dict(row["raw_user_meta_data"] or {}),
        "identities": [identity_json(i) for i in identities],
        "created_at": timestamp(row["created_at"]), "updated_at": timestamp(row["updated_at"]),
        "is_anonymous": bool(row["is_anonymous"]),
    }
    if factors:
        body["factors"] = [factor_json(f) for f in factors]
    if row["banned_until"] is not None:
        body["banned_until"] = timestamp(row["banned_until"])
    if row["deleted_at"] is not None:
        body["deleted_at"] = timestamp(row["deleted_at"])
    return {key: value for key, value in body.items() if value is not None}


async def full_json(conn: asyncpg.Connection, row: asyncpg.Record) -> dict[str, Any]:
    identities = await conn.fetch(SELECT_IDENTITIES, row["id"])
    factors = await conn.fetch(SELECT_FACTORS, row["id"])
    return user_json(row, identities, factors)


async def by_id(conn: asyncpg.Connection, user_id: Any) -> asyncpg.Record | None:
    try:
        key = user_id if isinstance(user_id, uuid.UUID) else uuid.UUID(str(user_id))
    except ValueError:
        return None
    return await conn.fetchrow(SELECT_BY_ID, key)


async def by_email(conn: asyncpg.Connection, email: str) -> asyncpg.Record | None:
    return await conn.fetchrow(SELECT_BY_EMAIL, email)


def is_banned(row: asyncpg.Record) -> bool:
    until = row["banned_until"]
    return until is not None and until > dt.datetime.now(dt.timezone.utc)


async def create(conn: asyncpg.Connection, *, email: str | None, password_hash: str | None,
                 user_metadata: dict, confirmed: bool, aud: str, role: str = "authenticated",
                 anonymous: bool = False, invited: bool = False, app_meta: dict | None = None,
                 user_id: uuid.UUID | None = None, email_identity: bool = True) -> asyncpg.Record:
    """Inserts the user and its email identity (the insert fires the apps' auth.users triggers).

    Users signing in through a provider get that provider's identity instead (`email_identity=False`).
    """
    now = dt.datetime.now(dt.timezone.utc)
    providers = {"provider": "email", "providers": ["email"]} if email else {}
    meta = {**providers, **(app_meta or {})}
    new_id = user_id or uuid.uuid4()
    try:
        row = await conn.fetchrow(
            INSERT_USER, INSTANCE_ID, new_id, aud, role, email, password_hash or "",
            now if confirmed else None, None, now if invited else None, meta, user_metadata, anonymous)
    except asyncpg.UniqueViolationError:
        raise errors.error(422, errors.EMAIL_EXISTS,
                           "A user with this email address has already been registered") from None
    if email and email_identity:
        await conn.execute(INSERT_IDENTITY, str(new_id), new_id, identity_data(new_id, email, confirmed))
    return row


def identity_data(user_id: uuid.UUID, email: str, verified: bool) -> dict[str, Any]:
    return {"sub": str(user_id), "email": email, "email_verified": verified, "phone_verified": False}


async def confirm_email(conn: asyncpg.Connection, user_id: uuid.UUID) -> asyncpg.Record:
    row = await conn.fetchrow(
        "update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()), "
        "confirmation_token = '', updated_at = now() where id = $1 returning *", user_id)
    await conn.execute(
        "update auth.identities set identity_data = identity_data || '{\"email_verified\": true}'::jsonb, "
        "updated_at = now() where user_id = $1 and provider = 'email'", user_id)
    return row


async def touch_sign_in(conn: asyncpg.Connection, user_id: uuid.UUID) -> asyncpg.Record:
    return await conn.fetchrow(
        "update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1 returning *", user_id)


async def page(conn: asyncpg.Connection, limit: int, offset: int) -> tuple[list[asyncpg.Record], int]:
    """One page of the users not deleted, newest first, and how many there are in all."""
    total = await conn.fetchval("select count(*) from auth.users where deleted_at is null")
    rows = await conn.fetch("select * from auth.users where deleted_at is null order by created_at desc, id "
                            "limit $1 offset $2", limit, offset)
    return rows, total


# The columns the admin API sets as given (after its own checks); `set_column` takes no other name.
SETTABLE = frozenset({"encrypted_password", "raw_user_meta_data", "raw_app_meta_data", "role", "banned_until"})


async def set_column(conn: asyncpg.Connection, user_id: uuid.UUID, column: str, value: Any) -> asyncpg.Record:
    if column not in SETTABLE:
        raise ValueError(f"auth.users.{column} is not set directly")
    text, args = render(raw("update auth.users set ") + ident(column) + raw(" = ") + param(value)
                        + raw(", updated_at = now() where id = ") + param(user_id) + raw(" returning *"))
    return await conn.fetchrow(text, *args)


async def set_email(conn: asyncpg.Connection, user_id: uuid.UUID, email: str) -> asyncpg.Record:
    """The address replaced at once (no pending change kept), its email identity written to match."""
    changed = await conn.fetchrow("update auth.users set email = $2, email_change = '', updated_at = now() "
                                  "where id = $1 returning *", user_id, email)
    await conn.execute("insert into auth.identities (provider_id, user_id, identity_data, provider) values "
                       "($1, $2, $3, 'email') on conflict (provider_id, provider) do update set "
                       "identity_data = excluded.identity_data, updated_at = now()", str(user_id), user_id,
                       identity_data(user_id, email, changed["email_confirmed_at"] is not None))
    return changed


async def start_email_change(conn: asyncpg.Connection, user_id: uuid.UUID, new_email: str) -> asyncpg.Record:
    """A change to `new_email` recorded as just sent and not yet confirmed by either address."""
    return await conn.fetchrow("update auth.users set email_change = $2, email_change_sent_at = now(), "
                               "email_change_confirm_status = 0, updated_at = now() where id = $1 returning *",
                               user_id, new_email)


async def soft_delete(conn: asyncpg.Connection, user_id: uuid.UUID) -> None:
    """GoTrue's soft delete: the row stays (for foreign keys) but can never sign in again."""
    await conn.execute(
        "update auth.users set deleted_at = now(), email = null, phone = null, encrypted_password = '', "
        "email_change = '', raw_user_meta_data = '{}', updated_at = now() where id = $1", user_id)
    await conn.execute("delete from auth.identities where user_id = $1", user_id)
    await conn.execute("delete from auth.sessions where user_id = $1", user_id)


async def delete(conn: asyncpg.Connection, user_id: uuid.UUID) -> None:
    await conn.execute("delete from auth.users where id = $1", user_id)


async def for_update(conn: asyncpg.Connection, user_id: uuid.UUID) -> asyncpg.Record:
    """The user, locked for the rest of the transaction."""
    return await conn.fetchrow("select * from auth.users where id = $1 for update", user_id)


async def identities(conn: asyncpg.Connection, user_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_IDENTITIES, user_id)


async def delete_identity(conn: asyncpg.Connection, identity_id: uuid.UUID) -> None:
    await conn.execute("delete from auth.identities where id = $1", identity_id)


async def identity_addresses(conn: asyncpg.Connection, user_id: uuid.UUID) -> list[asyncpg.Record]:
    """The user's identities' addresses (`email`, `verified`), best first: with an address, verified,
    oldest (GoTrue's order for UpdateUserEmailFromIdentities)."""
    return await conn.fetch(
        "select email, coalesce((identity_data->>'email_verified')::boolean, false) as verified "
        "from auth.identities where user_id = $1 order by (email is null), 2 desc, created_at, id", user_id)


async def set_address(conn: asyncpg.Connection, user_id: uuid.UUID, email: str | None, confirmed: bool) -> None:
    """The user's address (or none), confirmed now unless it already was, or unconfirmed."""
    await conn.execute(
        "update auth.users set email = $2, email_confirmed_at = case when $3 then "
        "coalesce(email_confirmed_at, now()) else null end, updated_at = now() where id = $1",
        user_id, email, confirmed)


async def request_email_change(conn: asyncpg.Connection, user_id: uuid.UUID, new_email: str) -> asyncpg.Record:
    """A change to `new_email` pending, with neither address's confirmation yet."""
    return await conn.fetchrow("update auth.users set email_change = $2, email_change_confirm_status = 0, "
                               "updated_at = now() where id = $1 returning *", user_id, new_email)


async def email_change_half_confirmed(conn: asyncpg.Connection, user_id: uuid.UUID) -> None:
    """One of the two addresses of a secure email change confirmed; the other is still awaited."""
    await conn.execute("update auth.users set email_change_confirm_status = 1, updated_at = now() where id = $1",
                       user_id)


async def apply_email_change(conn: asyncpg.Connection, user_id: uuid.UUID, new_email: str) -> asyncpg.Record:
    """The pending address becomes the address, confirmed, with its email identity (a UniqueViolationError
    when another user took it meanwhile)."""
    changed = await conn.fetchrow(
        "update auth.users set email = email_change, email_change = '', email_change_token_new = '', "
        "email_change_token_current = '', email_change_confirm_status = 0, "
        "email_confirmed_at = coalesce(email_confirmed_at, now()), is_anonymous = false, updated_at = now() "
        "where id = $1 returning *", user_id)
    await conn.execute("insert into auth.identities (provider_id, user_id, identity_data, provider) "
                       "values ($1, $2, $3, 'email') on conflict (provider_id, provider) do update set "
                       "identity_data = excluded.identity_data, updated_at = now()",
                       str(user_id), user_id, identity_data(user_id, new_email, True))
    return changed
