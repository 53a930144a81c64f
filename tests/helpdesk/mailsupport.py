"""Shared by the helpdesk mail tests: members of each role made in SQL (the sign-up trigger makes the
member row, as for a real sign-up), writes as a member under RLS, and reading the mail catcher's API."""
from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg
import httpx

from oricol.db import Caller, as_caller


async def make_member(admin: asyncpg.Connection, email: str, role: str = "requester", name: str | None = None,
                      team_id=None) -> str:
    user_id = uuid.uuid4()
    await admin.execute(
        "insert into auth.users (id, aud, role, email, email_confirmed_at, raw_user_meta_data) "
        "values ($1, 'authenticated', 'authenticated', $2, now(), jsonb_build_object('full_name', $3::text))",
        user_id, email, name or email.split("@")[0].title())
    await admin.execute("update helpdesk.members set role = $2::helpdesk.member_role, team_id = $3 where user_id = $1",
                        user_id, role, team_id)
    return str(user_id)


def member(user_id: str, email: str = "") -> Caller:
    return Caller(role="authenticated", claims={"sub": user_id, "role": "authenticated", "email": email})


async def as_member(pool: asyncpg.Pool, user_id: str, sql: str, *args):
    """One statement as that member (their role, their RLS, their triggers' auth.uid())."""
    async with as_caller(pool, member(user_id)) as conn:
        return await conn.fetchrow(sql, *args)


async def mailbox(http: httpx.AsyncClient, name: str) -> list[dict]:
    response = await http.get(f"/api/v1/mailbox/{name}")
    assert response.status_code == 200, response.text
    return response.json()


async def wait_for_mail(http: httpx.AsyncClient, name: str, count: int = 1, timeout: float = 15) -> list[dict]:
    """The mailbox's messages once it holds at least `count`, each with its body and headers."""
    deadline = time.monotonic() + timeout
    while True:
        listing = await mailbox(http, name)
        if len(listing) >= count:
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"mailbox {name} has {len(listing)} message(s), expected {count}: {listing}")
        await asyncio.sleep(0.1)
    full = []
    for entry in listing:
        response = await http.get(f"/api/v1/mailbox/{name}/{entry['id']}")
        assert response.status_code == 200, response.text
        full.append(response.json())
    return full
