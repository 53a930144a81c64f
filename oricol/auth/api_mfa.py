"""MFA with TOTP factors: enroll, challenge, verify (raises the session to aal2), unenroll."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import urlsplit

import asyncpg
from starlette.responses import Response

from . import audit, current, errors, sessions, tokens, totp, txn, users
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
    return await conn.fetchval("select aal from auth.sessions where id = $1", caller.session_id) or "aal1"


async def _owned_factor(conn: asyncpg.Connection, caller: current.Current, factor_id: uuid.UUID) -> asyncpg.Record:
    factor = await conn.fetchrow("select * from auth.mfa_factors where id = $1 and user_id = $2",
                                 factor_id, caller.user["id"])
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
        factors = await conn.fetch(users.SELECT_FACTORS, caller.user["id"])
        if len(factors) >= state.config.mfa_max_factors:
            raise errors.error(422, errors.TOO_MANY_ENROLLED_MFA_FACTORS, "Maximum number of verified factors reached, "
                               "unenroll to continue")
        if any(f["status"] == "verified" for f in factors) and await _session_aal(conn, caller) != "aal2":
            raise errors.error(422, errors.INSUFFICIENT_AAL, "AAL2 required to enroll a new factor")
        if name and any(f["friendly_name"] == name for f in factors):
            raise errors.error(422, errors.MFA_FACTOR_NAME_CONFLICT,
                               f'A factor with the friendly name "{name}" for this user already exists')
        secret = totp.new_secret()
        issuer = str(body.get("issuer") or urlsplit(state.config.site_url).hostname or "oricol")
        account = caller.user["email"] or caller.user["phone"] or str(caller.user["id"])
        link = totp.uri(secret, issuer, account)
        factor_id = uuid.uuid4()
        await conn.execute(
            "insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, secret, created_at, "
            "updated_at) values ($1, $2, $3, 'totp', 'unverified', $4, now(), now())",
            factor_id, caller.user["id"], name or None, totp.seal(secret, state.core.jwt_secret))
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
        created = await conn.fetchval(
            "insert into auth.mfa_challenges (id, factor_id, created_at, ip_address) values ($1, $2, now(), $3::inet) "
            "returning created_at", challenge_id, factor["id"], sessions.inet(req.ip) or "0.0.0.0")
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
        found = await conn.fetchrow("select * from auth.mfa_challenges where id = $1 and factor_id = $2 for update",
                                    key, factor["id"])
        if found is None or found["verified_at"] is not None:
            raise errors.error(404, errors.MFA_CHALLENGE_NOT_FOUND, "Challenge not found")
        if found["created_at"] + CHALLENGE_LIFETIME < dt.datetime.now(dt.timezone.utc):
            raise errors.error(422, errors.MFA_CHALLENGE_EXPIRED, f"MFA challenge {key} has expired, verify against "
                               "another challenge or create a new challenge.")
        if not totp.matches(totp.unseal(factor["secret"], state.core.jwt_secret), code):
            await audit.record(conn, caller.user, "mfa_verification_failed", "factor", req.ip, {})
            raise errors.error(422, errors.MFA_VERIFICATION_FAILED, "Invalid TOTP code entered")
        await conn.execute("update auth.mfa_challenges set verified_at = now() where id = $1", key)
        await conn.execute("update auth.mfa_factors set status = 'verified', updated_at = now() where id = $1",
                           factor["id"])
        if caller.session_id is None:
            raise errors.error(403, errors.SESSION_NOT_FOUND, "Session from session_id claim in JWT does not exist")
        return await _raise_to_aal2(conn, state, caller, caller.session_id, factor["id"], req.ip)
    return json_response(await txn.run(state.pool, work))


async def _raise_to_aal2(conn: asyncpg.Connection, state: Any, caller: current.Current, session_id: uuid.UUID,
                         factor_id: uuid.UUID, ip: str) -> dict[str, Any]:
    """The session becomes aal2 with `totp` in its amr, and gets a fresh refresh token."""
    await conn.execute("update auth.sessions set aal = 'aal2', factor_id = $2, updated_at = now() where id = $1",
                       session_id, factor_id)
    await sessions.add_amr(conn, session_id, "totp")
    await conn.execute("update auth.refresh_tokens set revoked = true, updated_at = now() "
                       "where session_id = $1 and not revoked", session_id)
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
        await conn.execute("delete from auth.mfa_factors where id = $1", factor_id)
        await conn.execute("update auth.sessions set aal = 'aal1', factor_id = null where user_id = $1 "
                           "and factor_id = $2", caller.user["id"], factor_id)
        await audit.record(conn, caller.user, "factor_deleted", "factor", req.ip, {"factor_id": str(factor_id)})
        return {"id": str(factor_id)}
    return json_response(await txn.run(req.state.pool, work))
