"""Manual identity linking: a signed-in user adds a provider identity to their own account.

GoTrue's linkIdentityToUser, shared by the OAuth callback (after `/user/identities/authorize`) and the
id_token grant with `link_identity: true`. Unlike automatic linking, no address decides whose account
it is: the signed-in user is the target, and an identity that already belongs to anyone is refused.
A user without an address (an anonymous one) takes the identity's address; an unverified one must be
confirmed by mail first.
"""
from __future__ import annotations

from typing import Any

import asyncpg

from . import audit, errors, external_accounts, flows, sessions, users
from .providers import UserData
from .state import AuthState


async def target(conn: asyncpg.Connection, user_id: Any) -> asyncpg.Record:
    try:
        user = await users.by_id(conn, user_id)
    except (asyncpg.DataError, ValueError):
        user = None
    if user is None or user["deleted_at"] is not None:
        raise errors.error(422, "user_not_found", "Linking target user not found")
    return user


async def link(conn: asyncpg.Connection, state: AuthState, user_id: Any, provider: str, data: UserData, ip: str,
               referrer: str) -> asyncpg.Record:
    """The target user with the new identity; raises GoTrue's errors when it may not be linked."""
    user = await target(conn, user_id)
    claims, _ = external_accounts.identity_data(data)
    owner = await conn.fetchval("select user_id from auth.identities where provider_id = $1 and provider = $2",
                                claims["sub"], provider)
    if owner is not None:
        message = "Identity is already linked" if owner == user["id"] else "Identity is already linked to another user"
        raise errors.error(422, "identity_already_exists", message)
    identity = await conn.fetchrow(
        "insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at) "
        "values ($1, $2, $3, $4, now()) returning *", claims["sub"], user["id"], claims, provider)
    await audit.record(conn, user, "identity_linked", "account", ip,
                       {"identity_id": str(identity["id"]), "provider": provider, "provider_id": claims["sub"]})
    if not user["email"]:
        user = await _take_address(conn, state, user, provider, claims, referrer)
    await external_accounts.refresh_providers(conn, user["id"])
    return await users.by_id(conn, user["id"])


async def _take_address(conn: asyncpg.Connection, state: AuthState, user: asyncpg.Record, provider: str,
                        claims: dict[str, Any], referrer: str) -> asyncpg.Record:
    """A user without an address gets the identity's; confirmed only when the provider verified it."""
    email = claims.get("email")
    if email:
        try:
            async with conn.transaction():  # a savepoint: the address may be another user's
                user = await conn.fetchrow("update auth.users set email = $2, updated_at = now() where id = $1 "
                                           "returning *", user["id"], email)
        except asyncpg.UniqueViolationError:
            raise errors.error(400, "email_exists", "A user with this email address has already been registered") \
                from None
    if not claims.get("email_verified") and not state.config.autoconfirm:
        if user["email"]:
            await flows.send_link(conn, state, user, kind="confirmation", token_type="confirmation_token",
                                  verify_type="signup", to=user["email"], redirect_to=referrer)
        raise sessions.CommitThenRaise(errors.error(
            422, "email_not_confirmed",
            f"Unverified email with {provider}. A confirmation email has been sent to your {provider} email"))
    user = await users.confirm_email(conn, user["id"])
    if user["is_anonymous"]:
        user = await conn.fetchrow("update auth.users set is_anonymous = false, updated_at = now() where id = $1 "
                                   "returning *", user["id"])
    return user
