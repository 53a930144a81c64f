"""GET /user/identities/authorize and DELETE /user/identities/{identity_id}: manual linking (GoTrue's identity.go).

Both need a signed-in user and `ORICOL_AUTH_MANUAL_LINKING_ENABLED` (GoTrue's
SECURITY_MANUAL_LINKING_ENABLED). Authorize starts the provider's flow as /authorize does, with the user
sealed in the signed state so the callback adds the identity to that user (identity_links). Unlinking
refuses the last identity; when the address the user had came from the removed identity, another
identity's address takes its place.
"""
from __future__ import annotations

import uuid

import asyncpg
from starlette.responses import RedirectResponse, Response

from . import api_external, audit, current, errors, external_accounts, phones, txn, users
from .http import AuthRequest, json_response


def _require_enabled(req: AuthRequest) -> None:
    if not req.state.config.manual_linking:
        raise errors.error(404, "manual_linking_disabled", "Manual linking is disabled")


async def authorize(req: AuthRequest) -> Response:
    async with req.state.pool.acquire() as conn:
        caller = await current.load(req, conn)
    _require_enabled(req)
    url = await api_external.provider_url(req, linking_target_id=str(caller.user["id"]))
    if req.query.get("skip_http_redirect") == "true":  # what both clients ask for
        return json_response({"url": url})
    return RedirectResponse(url, status_code=302)


async def unlink(req: AuthRequest) -> Response:
    state = req.state

    async def work(conn: asyncpg.Connection) -> None:
        caller = await current.load(req, conn)
        _require_enabled(req)
        try:
            identity_id = uuid.UUID(req.request.path_params["identity_id"])
        except ValueError:
            raise errors.error(404, "validation_failed", "identity_id must be an UUID") from None
        aud = caller.claims.get("aud")
        if (aud[0] if isinstance(aud, list) and aud else aud) != state.config.jwt_aud:
            raise errors.error(403, "unexpected_audience", "Token audience doesn't match request audience")
        user = await users.for_update(conn, caller.user["id"])
        identities = await users.identities(conn, user["id"])
        if len(identities) <= 1:
            raise errors.error(422, "single_identity_not_deletable",
                               "User must have at least 1 identity after unlinking")
        gone = next((row for row in identities if row["id"] == identity_id), None)
        if gone is None:
            raise errors.error(422, "identity_not_found", "Identity doesn't exist")
        await audit.record(conn, user, "identity_unlinked", "account", req.ip,
                           {"identity_id": str(gone["id"]), "provider": gone["provider"],
                            "provider_id": gone["provider_id"]})
        await users.delete_identity(conn, gone["id"])
        if gone["provider"] == "phone":
            await phones.remove(conn, user["id"])
        else:
            await _address_from_identities(conn, state.config.autoconfirm, user)
        await external_accounts.refresh_providers(conn, user["id"])
    await txn.run(state.pool, work)
    return json_response({})


async def _address_from_identities(conn: asyncpg.Connection, autoconfirm: bool, user: asyncpg.Record) -> None:
    """GoTrue's UpdateUserEmailFromIdentities: keep the address while an identity still has it; else take the
    best remaining one (verified first, then unverified, oldest first), or none."""
    rows = await users.identity_addresses(conn, user["id"])
    current_email = (user["email"] or "").lower()
    if current_email and any((row["email"] or "").lower() == current_email for row in rows):
        return
    chosen = next((row for row in rows if row["email"]), None)
    email = chosen["email"] if chosen else None
    confirmed = bool(chosen and (chosen["verified"] or autoconfirm))
    try:
        async with conn.transaction():
            await users.set_address(conn, user["id"], email, confirmed)
    except asyncpg.UniqueViolationError:
        raise errors.error(422, "email_conflict_identity_not_deletable",
                           "Unable to unlink identity due to email conflict") from None


ROUTES = (
    ("/user/identities/authorize", ("GET",), authorize),
    ("/user/identities/{identity_id}", ("DELETE",), unlink),
)
