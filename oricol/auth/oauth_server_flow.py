"""The authorization code flow's records: pending requests (auth.oauth_authorizations) and the
consents users gave (auth.oauth_consents), and the redirect URLs the flow ends in.

A request is born at /oauth/authorize without a user, is claimed by the first signed-in user who
reads it, and is approved (a code) or denied once. Codes are single use and stored only as hashes.
"""
from __future__ import annotations

import secrets
import string
import uuid
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

from . import errors, tokens
from .sessions import CommitThenRaise

SUPPORTED_SCOPES = ("openid", "profile", "email", "phone", "offline_access")
_ALPHANUMERIC = string.ascii_letters + string.digits


def parse_scopes(text: str | None) -> list[str]:
    return [scope for scope in (text or "").strip().split(" ") if scope.strip()]


def authorize_problem(params: dict[str, str]) -> str | None:
    """What is wrong with a request whose client and redirect_uri are good (said on the redirect)."""
    if params["response_type"] != "code":
        return "only response_type=code is supported"
    scopes = parse_scopes(params["scope"])
    if not params["scope"]:
        return "scope parameter is required"
    if not scopes:
        return "scope parameter cannot be empty"
    unsupported = next((scope for scope in scopes if scope not in SUPPORTED_SCOPES), None)
    if unsupported is not None:
        return f"unsupported scope: {unsupported}"
    resource = params["resource"]
    if resource:
        parts = urlsplit(resource)
        if not parts.scheme:
            return "resource must be an absolute URI"
        if parts.fragment:
            return "resource must not include a fragment component"
        if parts.query:
            return "resource must not include a query component"
    challenge, method = params["code_challenge"], params["code_challenge_method"]
    if not challenge or not method:
        return "PKCE flow requires both code_challenge and code_challenge_method"
    if method.lower() not in ("s256", "plain"):
        return "code_challenge_method must be 'S256' or 'plain'"
    if not 43 <= len(challenge) <= 128:
        return "code_challenge must be between 43 and 128 characters"
    return None


def with_query(url: str, values: dict[str, str]) -> str:
    """`url` with `values` set in its query; keys sorted and encoded as Go's url.Values.Encode does."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update({key: value for key, value in values.items() if value})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(sorted(query.items())), parts.fragment))


def error_url(redirect_uri: str, code: str, description: str, state: str | None) -> str:
    return with_query(redirect_uri, {"error": code, "error_description": description, "state": state or ""})


def success_url(row: asyncpg.Record, code: str) -> str:
    return with_query(row["redirect_uri"], {"code": code, "state": row["state"] or ""})


INSERT = """
insert into auth.oauth_authorizations (id, authorization_id, client_id, redirect_uri, scope, state, resource,
  code_challenge, code_challenge_method, nonce, expires_at)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9::auth.code_challenge_method, $10, now() + make_interval(secs => $11))
returning authorization_id
"""


async def create(conn: asyncpg.Connection, client_id: uuid.UUID, params: dict[str, str], ttl: int) -> str:
    authorization_id = "".join(secrets.choice(_ALPHANUMERIC) for _ in range(32))
    return await conn.fetchval(INSERT, uuid.uuid4(), authorization_id, client_id, params["redirect_uri"],
                               params["scope"], params["state"] or None, params["resource"] or None,
                               params["code_challenge"], params["code_challenge_method"].lower(),
                               params["nonce"] or None, ttl)


def not_found() -> errors.ApiError:
    return errors.error(404, "oauth_authorization_not_found", "authorization not found")


async def claim(conn: asyncpg.Connection, authorization_id: str) -> asyncpg.Record:
    """The pending request, locked; an expired one is marked so (kept although the request fails)."""
    if not authorization_id.isascii() or not authorization_id.isalnum() or len(authorization_id) > 64:
        raise not_found()  # never one of ours, and a NUL would not even reach the query
    row = await conn.fetchrow("select *, expires_at < now() as expired from auth.oauth_authorizations "
                              "where authorization_id = $1 limit 1 for update skip locked", authorization_id)
    if row is None:
        raise not_found()
    if row["expired"]:
        if row["status"] == "pending":
            await conn.execute("update auth.oauth_authorizations set status = 'expired' where id = $1", row["id"])
            raise CommitThenRaise(not_found())
        raise not_found()
    return row


async def approve(conn: asyncpg.Connection, row: asyncpg.Record) -> str:
    """Approves the request and returns its code (only the code's hash is stored)."""
    code = str(uuid.uuid4())
    await conn.execute("update auth.oauth_authorizations set status = 'approved', approved_at = now(), "
                       "authorization_code = $2 where id = $1", row["id"], tokens.stored_hash(code))
    return code


async def deny(conn: asyncpg.Connection, row: asyncpg.Record) -> None:
    await conn.execute("update auth.oauth_authorizations set status = 'denied' where id = $1", row["id"])


async def consent_covers(conn: asyncpg.Connection, user_id: uuid.UUID, client_id: uuid.UUID, scope: str) -> bool:
    granted = await conn.fetchval("select scopes from auth.oauth_consents where user_id = $1 and client_id = $2 "
                                  "and revoked_at is null", user_id, client_id)
    return granted is not None and set(parse_scopes(scope)) <= set(parse_scopes(granted))


async def remember_consent(conn: asyncpg.Connection, user_id: uuid.UUID, client_id: uuid.UUID, scope: str) -> None:
    """As GoTrue's UpsertOAuthServerConsent: the latest approval's scopes, granted now, revocation lifted."""
    await conn.execute(
        "insert into auth.oauth_consents (id, user_id, client_id, scopes) values ($1, $2, $3, $4) "
        "on conflict (user_id, client_id) do update set scopes = excluded.scopes, granted_at = now(), "
        "revoked_at = null", uuid.uuid4(), user_id, client_id, " ".join(parse_scopes(scope)))


def details_json(row: asyncpg.Record, client: dict[str, Any], user: asyncpg.Record) -> dict[str, Any]:
    """What a consent page shows (GoTrue's AuthorizationDetailsResponse)."""
    user_part = {"id": str(user["id"])}
    if user["email"]:
        user_part["email"] = user["email"]
    return {"authorization_id": row["authorization_id"], "redirect_uri": row["redirect_uri"], "client": client,
            "user": user_part, "scope": row["scope"]}


async def set_user(conn: asyncpg.Connection, row: asyncpg.Record, user_id: uuid.UUID) -> None:
    """The pending request claimed by the first signed-in user who reads it."""
    await conn.execute("update auth.oauth_authorizations set user_id = $2 where id = $1", row["id"], user_id)


async def approved_for_update(conn: asyncpg.Connection, code: str) -> asyncpg.Record | None:
    """The approved request of a code (with `expired`), locked: its exchange and removal happen in one
    transaction, so a code is exchanged at most once."""
    return await conn.fetchrow("select *, expires_at < now() as expired from auth.oauth_authorizations "
                               "where authorization_code = $1 and status = 'approved' for update",
                               tokens.stored_hash(code))


async def remove(conn: asyncpg.Connection, row: asyncpg.Record) -> None:
    await conn.execute("delete from auth.oauth_authorizations where id = $1", row["id"])


GRANTS = """
select c.*, s.scopes, s.granted_at from auth.oauth_consents s
join auth.oauth_clients c on c.id = s.client_id and c.deleted_at is null
where s.user_id = $1 and s.revoked_at is null
order by s.granted_at desc
"""


async def grants(conn: asyncpg.Connection, user_id: uuid.UUID) -> list[asyncpg.Record]:
    """The user's standing consents, newest first: each client's row with `scopes` and `granted_at`."""
    return await conn.fetch(GRANTS, user_id)


async def revoke_consent(conn: asyncpg.Connection, user_id: uuid.UUID, client_id: uuid.UUID) -> bool:
    """False when the user had no standing consent for the client."""
    revoked = await conn.fetchval("update auth.oauth_consents set revoked_at = now() where user_id = $1 "
                                  "and client_id = $2 and revoked_at is null returning id", user_id, client_id)
    return revoked is not None
