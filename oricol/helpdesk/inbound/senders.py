"""Who an inbound mail is from: an existing member by address, or (by the unknown-sender setting) a new
requester created the way auth creates an unconfirmed email user — they claim the account later by
password recovery or a magic link, which proves the address."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg

FIND = """
select m.user_id, m.active from helpdesk.members m
join auth.users u on u.id = m.user_id
where lower(u.email) = $1 and u.deleted_at is null and u.is_sso_user = false
limit 1
"""

CREATE_USER = """
insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data,
                        is_anonymous, created_at, updated_at)
values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, $3, $4, false, now(), now())
"""

CREATE_IDENTITY = """
insert into auth.identities (provider_id, user_id, identity_data, provider)
values ($1, $2, $3, 'email')
"""

POLICY = "select value #>> '{}' from helpdesk.settings where key = 'unknown_sender_policy'"
SUPPORT = "select lower(value #>> '{}') from helpdesk.settings where key = 'support_address'"


@dataclass(frozen=True)
class Sender:
    user_id: str
    active: bool
    created: bool = False


async def unknown_sender_policy(conn: asyncpg.Connection, default: str) -> str:
    """The admin's setting (helpdesk.settings 'unknown_sender_policy': "create" or "reject") over the config."""
    value = await conn.fetchval(POLICY)
    return value if value in ("create", "reject") else default


async def support_addresses(conn: asyncpg.Connection, configured: str) -> set[str]:
    """The configured support address and the admin's setting (helpdesk.settings 'support_address'): both
    are ours, so an admin can move the helpdesk to a new address from the web app."""
    setting = await conn.fetchval(SUPPORT)
    return {configured} | ({setting.strip()} if setting else set())


async def find(conn: asyncpg.Connection, address: str) -> Sender | None:
    row = await conn.fetchrow(FIND, address)
    return Sender(user_id=str(row["user_id"]), active=row["active"]) if row is not None else None


async def create(conn: asyncpg.Connection, address: str, name: str) -> Sender:
    """A new auth user (the helpdesk's sign-up trigger makes them a requester) inside the caller's transaction."""
    user_id = uuid.uuid4()
    app_meta = {"provider": "email", "providers": ["email"]}
    user_meta = {"full_name": name} if name else {}
    # The platform's pools encode json/jsonb from Python values (oricol.db._init_connection).
    await conn.execute(CREATE_USER, user_id, address, app_meta, user_meta)
    identity = {"sub": str(user_id), "email": address, "email_verified": False, "phone_verified": False}
    await conn.execute(CREATE_IDENTITY, str(user_id), user_id, identity)
    return Sender(user_id=str(user_id), active=True, created=True)
