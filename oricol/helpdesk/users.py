"""Helpdesk users from the command line: confirmed auth users with a helpdesk role.

This is how an installation gets its first admin (`oricol users add EMAIL --role admin`). It runs as
the database owner, like `oricol migrate`: the person at the console owns the installation. The
rows match what sign-up writes (an auth.users row with a bcrypt hash as GoTrue makes it, and an
email identity), so the user signs in through /auth/v1 like anyone else; the member row comes from
the sign-up trigger and then gets the role.
"""
from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass

import asyncpg
import bcrypt
import orjson

ROLES = ("requester", "agent", "manager", "admin")
EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
MIN_PASSWORD = 8
BCRYPT_COST = 10  # GoTrue's

INSERT_USER = """
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, $3, now(),
        '{"provider": "email", "providers": ["email"]}', $4::jsonb, now(), now())
"""
INSERT_IDENTITY = """
insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at)
values ($1, $2, $3::jsonb, 'email', null)
"""
SET_MEMBER = """
insert into helpdesk.members (user_id, email, full_name, role) values ($1, $2, $3, $4)
on conflict (user_id) do update set role = excluded.role, full_name = coalesce(excluded.full_name, helpdesk.members.full_name)
"""
LIST = """
select m.email, m.role::text as role, m.full_name, m.active, u.last_sign_in_at, m.created_at
from helpdesk.members m join auth.users u on u.id = m.user_id
order by m.role desc, lower(m.email)
"""
AUDIT = """
insert into helpdesk.audit_log (actor_id, action, entity, entity_id, details)
values (null, $1, 'members', $2, $3::jsonb)
"""


class UserError(ValueError):
    """A mistake in what was asked (bad email, unknown role, user exists or not): shown as is."""


@dataclass(frozen=True)
class Added:
    user_id: uuid.UUID
    email: str
    role: str
    password: str | None  # the generated one, to print once; None when the caller gave it


def generate_password() -> str:
    return secrets.token_urlsafe(15)  # 20 characters, 120 bits


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(BCRYPT_COST, prefix=b"2a")).decode()


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    return role


def check_email(email: str) -> str:
    email = email.strip().lower()
    if not EMAIL.match(email) or len(email) > 255:
        raise UserError(f"{email!r} is not an email address")
    return email


async def add(conn: asyncpg.Connection, email: str, role: str, *, password: str | None = None,
              name: str | None = None, password_hash: str | None = None) -> Added:
    """Creates a confirmed user with `role`. Without a password, one is generated and returned."""
    email, role = check_email(email), check_role(role)
    generated = None
    if password_hash is None:
        if password is None:
            password = generated = generate_password()
        if len(password) < MIN_PASSWORD:
            raise UserError(f"the password must have at least {MIN_PASSWORD} characters")
        password_hash = hash_password(password)
    user_id = uuid.uuid4()
    async with conn.transaction():
        if await conn.fetchval("select 1 from auth.users where lower(email) = $1 and deleted_at is null", email):
            raise UserError(f"a user with the email {email} exists already")
        meta = {"full_name": name} if name else {}
        await conn.execute(INSERT_USER, user_id, email, password_hash, orjson.dumps(meta).decode())
        identity = {"sub": str(user_id), "email": email, "email_verified": True, "phone_verified": False}
        await conn.execute(INSERT_IDENTITY, str(user_id), user_id, orjson.dumps(identity).decode())
        await conn.execute(SET_MEMBER, user_id, email, name, role)
        await conn.execute(AUDIT, "member.created", str(user_id), orjson.dumps({"role": role, "by": "cli"}).decode())
    return Added(user_id=user_id, email=email, role=role, password=generated)


async def set_role(conn: asyncpg.Connection, email: str, role: str) -> str:
    """Gives the member with `email` the `role`; returns the role they had."""
    email, role = check_email(email), check_role(role)
    async with conn.transaction():
        row = await conn.fetchrow("select m.user_id, m.role::text as role from helpdesk.members m "
                                  "where lower(m.email) = $1 for update", email)
        if row is None:
            raise UserError(f"no helpdesk member has the email {email}")
        await conn.execute("update helpdesk.members set role = $2 where user_id = $1", row["user_id"], role)
        await conn.execute(AUDIT, "member.role", str(row["user_id"]),
                           orjson.dumps({"from": row["role"], "to": role, "by": "cli"}).decode())
    return row["role"]


async def listing(conn: asyncpg.Connection) -> list[dict]:
    return [dict(r) for r in await conn.fetch(LIST)]
