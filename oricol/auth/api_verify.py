"""GET and POST /verify: mail links and typed codes confirm signups, invites, magic links, recovery
and email changes. GET answers a browser with a redirect (session in the URL fragment, or `?code=`
for PKCE flows); POST answers a client with the session."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import asyncpg
from starlette.responses import RedirectResponse, Response

from oricol.errors import ApiError

from . import api_phone, audit, errors, flows, otp, redirects, sessions, txn, users
from .http import AuthRequest, json_response

TOKEN_TYPES = {
    "signup": ("confirmation_token",),
    "invite": ("confirmation_token",),
    "magiclink": ("recovery_token", "confirmation_token"),
    "recovery": ("recovery_token",),
    "email": ("confirmation_token", "recovery_token"),
    "email_change": ("email_change_token_new", "email_change_token_current"),
}
FLOW_METHOD = {"signup": "email/signup", "invite": "invite", "magiclink": "magiclink", "recovery": "recovery",
               "email_change": "email_change", "email": "magiclink"}
AMR_METHOD = {"signup": "otp", "invite": "invite", "magiclink": "magiclink", "recovery": "recovery",
              "email": "otp", "email_change": "email_change"}
HALF_DONE = "Confirmation link accepted. Please proceed to confirm link sent to the other email"


class Outcome:
    """What a verification ended in: a session, a PKCE code, or half of a secure email change."""

    def __init__(self, session: dict[str, Any] | None = None, code: str | None = None, message: str | None = None):
        self.session, self.code, self.message = session, code, message


async def verify_get(req: AuthRequest) -> Response:
    params = req.query
    verify_type = params.get("type", "")
    token = params.get("token", "")
    redirect = redirects.choose(req.state.config, params.get("redirect_to"))
    try:
        outcome = await _verify(req, verify_type, token_hash=token, email=None, code=None)
    except ApiError as err:
        failure = {"error": "access_denied" if err.status < 500 else "server_error", "error_code": err.code,
                   "error_description": "Email link is invalid or has expired" if err.code == errors.OTP_EXPIRED
                   else err.message}
        return RedirectResponse(redirect + "#" + urlencode(failure), status_code=303)
    if outcome.code is not None:
        joiner = "&" if "?" in redirect else "?"
        return RedirectResponse(redirect + joiner + urlencode({"code": outcome.code}), status_code=303)
    if outcome.message is not None:
        return RedirectResponse(redirect + "#" + urlencode({"message": outcome.message}), status_code=303)
    session = outcome.session or {}
    fragment = {key: session[key] for key in ("access_token", "expires_at", "expires_in", "refresh_token",
                                               "token_type")}
    fragment["type"] = verify_type
    return RedirectResponse(redirect + "#" + urlencode(fragment), status_code=303)


async def verify_post(req: AuthRequest) -> Response:
    body = await req.body()
    verify_type = body.get("type")
    token_hash, token, email = body.get("token_hash"), body.get("token"), body.get("email")
    if token_hash:
        outcome = await _verify(req, verify_type, token_hash=str(token_hash), email=None, code=None)
    elif token and email:
        outcome = await _verify(req, verify_type, token_hash=None, email=users.normalize_email(email),
                                code=str(token))
    elif body.get("phone"):
        return await api_phone.verify(req, body)
    else:
        raise errors.validation("Verify requires either a token_hash, or a token and an email")
    if outcome.message is not None:
        return json_response({"msg": outcome.message, "code": "200"})
    return json_response(outcome.session)


async def _verify(req: AuthRequest, verify_type: Any, *, token_hash: str | None, email: str | None,
                  code: str | None) -> Outcome:
    state = req.state
    if verify_type not in TOKEN_TYPES:
        raise errors.validation("Verify requires a verification type")
    await state.limiter.hit("verify", req.ip)
    pkce = bool(token_hash and token_hash.startswith(flows.PKCE_PREFIX))
    if pkce and token_hash:
        token_hash = token_hash[len(flows.PKCE_PREFIX):]

    async def work(conn: asyncpg.Connection) -> Outcome:
        if token_hash is not None:
            user, token_type, _ = await otp.consume(conn, state, token_hash, TOKEN_TYPES[verify_type])
        else:
            assert email is not None and code is not None  # the callers give a token_hash or both
            user, token_type, _ = await otp.consume_code(conn, state, email, code, TOKEN_TYPES[verify_type])
        if users.is_banned(user):
            raise errors.error(403, errors.USER_BANNED, "User is banned")
        if token_type.startswith("email_change"):
            user = await _change_email(conn, user, token_type)
            if user is None:
                return Outcome(message=HALF_DONE)
        else:
            user = await users.confirm_email(conn, user["id"])
        await audit.record(conn, user, "user_signedup" if verify_type == "signup" else "login", "account",
                           req.ip, {"provider": "email", "type": verify_type})
        if pkce:
            auth_code = await flows.code_for(conn, user["id"], FLOW_METHOD[verify_type])
            if auth_code is not None:
                return Outcome(code=auth_code)
        session = await sessions.sign_in(conn, state, user, AMR_METHOD[verify_type], req.ip,
                                         req.request.headers.get("user-agent"))
        return Outcome(session=session)
    return await txn.run(state.pool, work)


async def _change_email(conn: asyncpg.Connection, user: asyncpg.Record, token_type: str) -> asyncpg.Record | None:
    """Applies a pending email change once every mail it needs is confirmed; None while one is pending."""
    if not user["email_change"]:
        raise errors.otp_invalid()
    other = "email_change_token_current" if token_type == "email_change_token_new" else "email_change_token_new"
    if await otp.outstanding(conn, user["id"], other):
        await users.email_change_half_confirmed(conn, user["id"])
        return None
    new_email = user["email_change"]
    try:
        return await users.apply_email_change(conn, user["id"], new_email)
    except asyncpg.UniqueViolationError:
        raise errors.error(422, errors.EMAIL_EXISTS,
                           "A user with this email address has already been registered") from None
