"""PKCE flow state and the mail-link sending that every mail flow shares.

A flow started with `code_challenge` ends at /verify redirecting with `?code=`; the client then
trades the code and its verifier at /token?grant_type=pkce. Mail links of PKCE flows carry a
`pkce_` prefix so /verify knows which way to answer.
"""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from . import errors, mails, otp

PKCE_PREFIX = "pkce_"
METHODS = {"s256": "s256", "plain": "plain"}


async def start(conn: asyncpg.Connection, body: dict[str, Any], user_id: uuid.UUID, method: str) -> bool:
    """Saves the flow when the request carries a code challenge; returns whether it did."""
    challenge = body.get("code_challenge")
    if not challenge:
        return False
    kind = METHODS.get(str(body.get("code_challenge_method") or "").lower())
    if not isinstance(challenge, str) or kind is None:
        raise errors.validation("code challenge method not supported")
    if not 43 <= len(challenge) <= 128:
        raise errors.validation("code challenge has to be between 43 and 128 characters")
    await conn.execute(
        "insert into auth.flow_state (id, user_id, auth_code, code_challenge_method, code_challenge, provider_type, "
        "authentication_method, created_at, updated_at) values ($1, $2, $3, $4, $5, 'email', $6, now(), now())",
        uuid.uuid4(), user_id, str(uuid.uuid4()), kind, challenge, method)
    return True


async def start_external(conn: asyncpg.Connection, challenge: str, method: str, provider: str) -> uuid.UUID | None:
    """The flow of a third-party sign-in (/authorize): None without a challenge (the implicit flow).

    The user is not known yet; the callback fills it in and issues the code.
    """
    if not challenge and not method:
        return None
    if not challenge or not method:
        raise errors.validation("PKCE flow requires code_challenge_method and code_challenge")
    kind = METHODS.get(method.lower())
    if kind is None:
        raise errors.validation("code challenge method not supported")
    if not 43 <= len(challenge) <= 128:
        raise errors.validation("code challenge has to be between 43 and 128 characters")
    flow_id = uuid.uuid4()
    # Flows people abandoned at the provider are never finished; each new flow sweeps a few old ones
    # (every code and mail link of a flow that old has long expired), so the table stays small.
    await conn.execute("delete from auth.flow_state where id in (select id from auth.flow_state "
                       "where created_at < now() - interval '2 days' limit 100)")
    await conn.execute(
        "insert into auth.flow_state (id, user_id, auth_code, code_challenge_method, code_challenge, provider_type, "
        "authentication_method, created_at, updated_at) values ($1, null, $2, $3, $4, $5, 'oauth', now(), now())",
        flow_id, str(uuid.uuid4()), kind, challenge, provider)
    return flow_id


async def code_for(conn: asyncpg.Connection, user_id: uuid.UUID, method: str) -> str | None:
    """The auth code of the user's latest flow of `method`, now issued (it is good for five minutes)."""
    return await conn.fetchval(
        "update auth.flow_state set auth_code_issued_at = now(), updated_at = now() where id = ("
        "select id from auth.flow_state where user_id = $1 and authentication_method = $2 "
        "order by created_at desc limit 1) returning auth_code", user_id, method)


async def send_link(conn: asyncpg.Connection, state: Any, user: asyncpg.Record, *, kind: str, token_type: str,
                    verify_type: str, to: str, redirect_to: str, pkce: bool = False,
                    extra: dict[str, Any] | None = None, check_frequency: bool = True) -> dict[str, str]:
    """Issues a one-time token and mails it; returns the link parts (for admin generate_link)."""
    if check_frequency:
        otp.check_frequency(state, user, token_type)
    code, hashed = await otp.issue(conn, state, user, token_type, to)
    link_token = PKCE_PREFIX + hashed if pkce else hashed
    url = mails.confirmation_url(state.config.external_url, link_token, verify_type, redirect_to)
    values = {"ConfirmationURL": url, "Token": code, "TokenHash": hashed, "RedirectTo": redirect_to,
              "Data": dict(user["raw_user_meta_data"] or {}), **(extra or {})}
    if state.mailer is not None and kind:
        await mails.send(state, kind, to, values)
    return {"action_link": url, "email_otp": code, "hashed_token": hashed, "verification_type": verify_type,
            "redirect_to": redirect_to}


async def external_for_update(conn: asyncpg.Connection, flow_state_id: str | None) -> asyncpg.Record | None:
    """A third-party sign-in's flow, locked while its callback finishes it; None when there is no such flow
    (or the id a state names is not one)."""
    try:
        return await conn.fetchrow("select * from auth.flow_state where id = $1::uuid for update", flow_state_id)
    except (asyncpg.DataError, ValueError):
        return None


async def issue_external_code(conn: asyncpg.Connection, flow_id: uuid.UUID, user_id: uuid.UUID,
                              provider_access_token: str | None, provider_refresh_token: str | None) -> str:
    """The flow finished by the callback: its user, the provider's tokens, and its auth code, now issued."""
    return await conn.fetchval(
        "update auth.flow_state set user_id = $2, provider_access_token = $3, provider_refresh_token = $4, "
        "auth_code_issued_at = now(), updated_at = now() where id = $1 returning auth_code",
        flow_id, user_id, provider_access_token, provider_refresh_token)


async def take(conn: asyncpg.Connection, auth_code: str) -> asyncpg.Record | None:
    """The flow of an auth code, removed as it is read: a code is traded at most once."""
    return await conn.fetchrow("delete from auth.flow_state where auth_code = $1 returning *", auth_code)
