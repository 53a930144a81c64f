"""Who a third-party sign-in is: an existing identity, a new identity on an existing user, or a new user.

GoTrue's automatic linking rules (models.DetermineAccountLinking, one linking domain):
- the (provider, subject) identity exists → that user; its identity data is refreshed;
- otherwise, only *verified* addresses link: an identity or a user with one of them gets the new
  identity (so whoever controls an unverified address at some provider cannot take over an account);
- otherwise a new user is made (without the address if another user has it already).
A user not yet confirmed loses its password and other identities when a provider identity is added
(pre-account-takeover protection), and is confirmed only by a verified address; an unverified one
gets a confirmation mail and no session (`provider_email_needs_verification`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

from . import audit, errors, flows, sessions, users
from .providers import Email, UserData
from .state import AuthState

CREATE, LINK, EXISTS = "create", "link", "exists"


@dataclass
class Decision:
    kind: str
    user: asyncpg.Record | None
    identity: asyncpg.Record | None
    candidate: Email | None  # the primary address (empty when another user holds it)


def identity_data(data: UserData) -> tuple[dict[str, Any], Email | None]:
    """The claims with the chosen address in them (the primary one, else the last listed), as GoTrue."""
    chosen = None
    for email in data.emails:
        chosen = email
        if email.primary:
            break
    claims = dict(data.claims)
    claims["email_verified"] = bool(chosen and chosen.verified)
    if chosen is not None:
        claims["email"] = chosen.address.lower()
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise errors.error(500, errors.UNEXPECTED_FAILURE, "Error getting user profile from external provider")
    return claims, chosen


async def decide(conn: asyncpg.Connection, state: AuthState, provider: str, emails: list[Email], sub: str
                 ) -> Decision:
    autoconfirm = state.config.autoconfirm
    verified = sorted({e.address.lower() for e in emails if e.verified or autoconfirm})
    primary = next((Email(e.address.lower(), e.verified, True) for e in emails if e.primary), None)
    identity = await conn.fetchrow("select * from auth.identities where provider_id = $1 and provider = $2",
                                   sub, provider)
    if identity is not None:
        return Decision(EXISTS, await users.by_id(conn, identity["user_id"]), identity, primary)
    if not verified:
        if primary is not None and await users.by_email(conn, primary.address) is not None:
            primary = Email("", primary.verified, True)
        return Decision(CREATE, None, None, primary)
    owners = {row["user_id"] for row in await conn.fetch(
        "select user_id from auth.identities where email = any($1::text[])", verified)}
    if len(owners) > 1:
        raise errors.error(500, errors.UNEXPECTED_FAILURE,
                           "Multiple accounts with the same email address in the same linking domain detected: default")
    if owners:
        return Decision(LINK, await users.by_id(conn, owners.pop()), None, primary)
    same = await conn.fetch("select * from auth.users where lower(email) = any($1::text[]) and is_sso_user = false "
                            "and deleted_at is null", verified)
    if len(same) > 1:
        raise errors.error(500, errors.UNEXPECTED_FAILURE,
                           "Multiple accounts with the same email address in the same linking domain detected: default")
    if same:
        return Decision(LINK, same[0], None, primary)
    return Decision(CREATE, None, None, primary)


async def resolve(conn: asyncpg.Connection, state: AuthState, provider: str, data: UserData, ip: str,
                  referrer: str) -> asyncpg.Record:
    """The user this sign-in is for, created or linked as needed; raises when it may not sign in."""
    claims, _ = identity_data(data)
    decision = await decide(conn, state, provider, data.emails, claims["sub"])
    user: asyncpg.Record  # set by each branch below (EXISTS and LINK carry the user decide() found)
    if decision.kind == EXISTS:
        user = decision.user
        assert decision.identity is not None  # decide() found it: that is what EXISTS means
        identity = await conn.fetchrow(
            "update auth.identities set identity_data = $2, last_sign_in_at = now(), updated_at = now() "
            "where id = $1 returning *", decision.identity["id"], claims)
        await _merge_metadata(conn, user["id"], claims)
    elif decision.kind == LINK:
        user = decision.user
        identity = await _insert_identity(conn, user["id"], provider, claims)
        await _merge_metadata(conn, user["id"], claims)
        await audit.record(conn, user, "identity_linked", "account", ip,
                           {"provider": provider, "provider_id": claims["sub"]})
    else:
        if state.config.disable_signup:
            raise errors.error(422, errors.SIGNUP_DISABLED, "Signups not allowed for this instance")
        email = decision.candidate.address if decision.candidate and decision.candidate.address else None
        user = await users.create(conn, email=email, password_hash=None, user_metadata=claims, confirmed=False,
                                  aud=state.config.jwt_aud, app_meta={"provider": provider, "providers": [provider]},
                                  email_identity=False)
        identity = await _insert_identity(conn, user["id"], provider, claims)
    await _refresh_providers(conn, user["id"])
    user = await users.by_id(conn, user["id"])
    if users.is_banned(user):
        raise errors.error(403, errors.USER_BANNED, "User is banned")
    if user["email_confirmed_at"] is None and user["phone_confirmed_at"] is None:
        await _remove_unconfirmed(conn, user, identity)
        candidate = decision.candidate
        if (candidate is not None and candidate.verified) or state.config.autoconfirm:
            await audit.record(conn, user, "user_signedup", "team", ip, {"provider": provider})
            user = await users.confirm_email(conn, user["id"])
        else:
            await _unverified(conn, state, user, provider, candidate, referrer)
    return user


async def _unverified(conn: asyncpg.Connection, state: AuthState, user: asyncpg.Record, provider: str,
                      candidate: Email | None, referrer: str) -> None:
    """No session for an unverified address: a confirmation mail when there is one to send to."""
    sent = False
    if candidate is not None and candidate.address and user["email"]:
        await flows.send_link(conn, state, user, kind="confirmation", token_type="confirmation_token",
                              verify_type="signup", to=user["email"], redirect_to=referrer)
        sent = True
    if state.config.allow_unverified_email_sign_ins:
        return
    message = (f"Unverified email with {provider}. A confirmation email has been sent to your {provider} email"
               if sent else f"Unverified email with {provider}. Verify the email with {provider} in order to sign in")
    # The user and identity are kept (as GoTrue commits them), so confirming the mail finishes the sign-up.
    raise sessions.CommitThenRaise(errors.error(422, errors.PROVIDER_EMAIL_NEEDS_VERIFICATION, message))


async def _insert_identity(conn: asyncpg.Connection, user_id: Any, provider: str, claims: dict[str, Any]
                           ) -> asyncpg.Record:
    return await conn.fetchrow(
        "insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at) "
        "values ($1, $2, $3, $4, now()) returning *", claims["sub"], user_id, claims, provider)


async def _merge_metadata(conn: asyncpg.Connection, user_id: Any, claims: dict[str, Any]) -> None:
    await conn.execute("update auth.users set raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || $2, "
                       "updated_at = now() where id = $1", user_id, claims)


async def _refresh_providers(conn: asyncpg.Connection, user_id: Any) -> None:
    """app_metadata.providers: the user's identity providers, first linked first (`provider` is the first)."""
    await conn.execute("""
        update auth.users u set raw_app_meta_data = coalesce(u.raw_app_meta_data, '{}'::jsonb)
          || jsonb_build_object('provider', p.names -> 0, 'providers', p.names)
        from (select jsonb_agg(provider order by linked_at) as names from (
                select provider, min(created_at) as linked_at from auth.identities where user_id = $1 group by provider
              ) linked) p
        where u.id = $1 and p.names is not null""", user_id)


async def _remove_unconfirmed(conn: asyncpg.Connection, user: asyncpg.Record, identity: asyncpg.Record) -> None:
    """An unconfirmed account keeps only the identity signing in now: a password or identity someone else
    set up before the owner proved the address must not survive into the owner's account."""
    await conn.execute("update auth.users set encrypted_password = '', raw_user_meta_data = $2, updated_at = now() "
                       "where id = $1", user["id"], identity["identity_data"])
    await conn.execute("delete from auth.identities where user_id = $1 and id <> $2", user["id"], identity["id"])
    await _refresh_providers(conn, user["id"])


refresh_providers = _refresh_providers  # manual linking (identity_links) keeps app_metadata the same way
