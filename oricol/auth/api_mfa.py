"""MFA with TOTP factors: enroll, challenge, verify (raises the session to aal2), unenroll."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import urlsplit

import asyncpg
from starlette.responses import Response

from . import audit, current, errors, factors, sessions, tokens, totp, txn
from .http import AuthRequest, json_response

CHALLENGE_LIFETIME = dt.timedelta(minutes=5)


def _factor_id(req: AuthRequest) -> uuid.UUID:
    try:
        return uuid.UUID(req.request.path_params["factor_id"])
    except ValueError:
        raise errors.error(404, errors.MFA_FACTOR_NOT_FOUND, "Factor not found") from None


async def _session_aal(conn: asyncpg.Connection, caller: current.Current) -> str:
    if caller.session_id is None:
        return "aal1"
    return await sessions.aal(conn, caller.session_id) or "aal1"


async def _owned_factor(conn: asyncpg.Connection, caller: current.Current, factor_id: uuid.UUID) -> asyncpg.Record:
    factor = await factors.owned(conn, factor_id, caller.user["id"])
    if factor is None:
        raise errors.error(404, errors.MFA_FACTOR_NOT_FOUND, "Factor not found")
    return factor


async def enroll(req: AuthRequest) -> Response:
    state = req.state
    body = await req.body()
    if body.get("factor_type") != "totp":
        code = errors.MFA_FACTOR_TYPE_NOT_SUPPORTED if body.get("factor_type") else errors.VALIDATION_FAILED
        raise errors.error(422, code, "factor_type needs to be totp")
    name = str(body.get("friendly_name") or "")

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        caller = await current.load(req, conn)
        enrolled = await factors.of_user(conn, caller.user["id"])
        if len(enrolled) >= state.config.mfa_max_factors:
            raise errors.error(422, errors.TOO_MANY_ENROLLED_MFA_FACTORS, "Maximum number of verified factors reached, "
                               "unenroll to continue")
        if any(f["status"] == "verified" for f in enrolled) and await _session_aal(conn, caller) != "aal2":
            raise errors.error(422, errors.INSUFFICIENT_AAL, "AAL2 required to enroll a new factor")
        if name and any(f["friendly_name"] == name for f in enrolled):
            raise errors.error(422, errors.MFA_FACTOR_NAME_CONFLICT,
                               f'A factor with the friendly name "{name}" for this user already exists')
        secret = totp.new_secret()
        issuer = str(body.get("issuer") or urlsplit(state.config.site_url).hostname or "oricol")
        account = caller.user["email"] or caller.user["phone"] or str(caller.user["id"])
        link = totp.uri(secret, issuer, account)
        factor_id = uuid.uuid4()
        sealed = totp.seal(secret, state.core.jwt_secret)
        await factors.add_totp(conn, factor_id, caller.user["id"], name or None, sealed)
        await audit.record(conn, caller.user, "factor_in_progress", "factor", req.ip, {"factor_id": str(factor_id)})
        return {"id": str(factor_id), "type": "totp", "friendly_name": name,
                "totp": {"qr_code": totp.qr_svg(link), "secret": secret, "uri": link}}
    return json_response(await txn.run(state.pool, work))


async def challenge(req: AuthRequest) -> Response:
    factor_id = _factor_id(req)

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        caller = await current.load(req, conn)
        factor = await _owned_factor(conn, caller, factor_id)
        challenge_id = uuid.uuid4()
        created = await factors.add_challenge(conn, challenge_id, factor["id"], sessions.inet(req.ip) or "0.0.0.0")
        return {"id": str(challenge_id), "type": "totp", "expires_at": int((created + CHALLENGE_LIFETIME).timestamp())}
    return json_response(await txn.run(req.state.pool, work))


async def verify(req: AuthRequest) -> Response:
    state = req.state
    factor_id = _factor_id(req)
    body = await req.body()
    code, challenge_id = str(body.get("code") or ""), body.get("challenge_id")
    await state.limiter.hit("verify", req.ip)

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        caller = await current.load(req, conn)
        factor = await _owned_factor(conn, caller, factor_id)
        try:
            key = uuid.UUID(str(challenge_id))
        except ValueError:
            raise errors.error(404, errors.MFA_CHALLENGE_NOT_FOUND, "Challenge not found") from None
        found = await factors.challenge_for_update(conn, key, factor["id"])
        if found is None or found["verified_at"] is not None:
            raise errors.error(404, errors.MFA_CHALLENGE_NOT_FOUND, "Challenge not found")
        if found["created_at"] + CHALLENGE_LIFETIME < dt.datetime.now(dt.timezone.utc):
            raise errors.error(422, errors.MFA_CHALLENGE_EXPIRED, f"MFA challenge {key} has expired, verify against "
                               "another challenge or create a new challenge.")
        if not totp.matches(totp.unseal(factor["secret"], state.core.jwt_secret), code):
            await audit.record(conn, caller.user, "mfa_verification_failed", "factor", req.ip, {})
            raise errors.error(422, errors.MFA_VERIFICATION_FAILED, "Invalid TOTP code entered")
        await factors.verified(conn, key, factor["id"])
        if caller.session_id is None:
            raise errors.error(403, errors.SESSION_NOT_FOUND, "Session from session_id claim in JWT does not exist")
        return await _raise_to_aal2(conn, state, caller, caller.session_id, factor["id"], req.ip)
    return json_response(await txn.run(state.pool, work))


async def _raise_to_aal2(conn: asyncpg.Connection, state: Any, caller: current.Current, session_id: uuid.UUID,
                         factor_id: uuid.UUID, ip: str) -> dict[str, Any]:
    """The session becomes aal2 with `totp` in its amr, and gets a fresh refresh token."""
    await sessions.raise_to_aal2(conn, session_id, factor_id)
    refresh = tokens.new_refresh_token()
    await sessions.insert_refresh(conn, caller.user["id"], session_id, refresh, parent=None)
    await audit.record(conn, caller.user, "verification_attempted", "factor", ip, {"factor_id": str(factor_id)})
    return await sessions.response(conn, state, caller.user, session_id, refresh)


async def unenroll(req: AuthRequest) -> Response:
    factor_id = _factor_id(req)

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        caller = await current.load(req, conn)
        factor = await _owned_factor(conn, caller, factor_id)
        if factor["status"] == "verified" and await _session_aal(conn, caller) != "aal2":
            raise errors.error(422, errors.INSUFFICIENT_AAL, "AAL2 required to unenroll verified factor")
        await factors.delete(conn, factor_id, caller.user["id"])
        await sessions.drop_factor(conn, caller.user["id"], factor_id)
        await audit.record(conn, caller.user, "factor_deleted", "factor", req.ip, {"factor_id": str(factor_id)})
        return {"id": str(factor_id)}
    return json_response(await txn.run(req.state.pool, work))
