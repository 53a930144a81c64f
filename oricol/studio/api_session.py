"""Sign in, sign out, and the current session: the console's own login, separate from the platform's
users. Credentials are ORICOL_DASHBOARD_USERNAME / ORICOL_DASHBOARD_PASSWORD; failures are rate limited
per client IP and logged without the password."""
from __future__ import annotations

import hmac
import logging

import orjson
from starlette.requests import Request
from starlette.responses import Response

from oricol.errors import ApiError

from . import errors
from .guard import Guard, json_response
from .limits import FailedLogins
from .sessions import COOKIE, Session, SessionStore, cookie_token

log = logging.getLogger("oricol.studio")
MAX_FIELD = 1024


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


class SessionApi:
    def __init__(self, store: SessionStore, guard: Guard, limits: FailedLogins, username: str, password: str,
                 *, always_secure: bool):
        self.store, self.guard, self.limits = store, guard, limits
        self.username, self.password = username, password
        self.always_secure = always_secure

    def _secure(self, request: Request) -> bool:
        # The scheme as the gateway trusts it: X-Forwarded-Proto counts only from ORICOL_TRUSTED_PROXIES.
        return self.always_secure or request.url.scheme == "https"

    def _cookie(self, request: Request, value: str, max_age: int) -> str:
        cookie = f"{COOKIE}={value}; Path=/studio; Max-Age={max_age}; HttpOnly; SameSite=Strict"
        return cookie + ("; Secure" if self._secure(request) else "")

    @staticmethod
    def _body(session: Session) -> dict:
        return {"username": session.username, "csrf_token": session.csrf_token,
                "expires_at": session.expires_at.isoformat()}

    async def login(self, request: Request) -> Response:
        ip = client_ip(request)
        wait = await self.limits.blocked(ip)
        if wait:
            log.warning("studio sign-in refused: too many failures", extra={"client_ip": ip})
            return json_response({"message": "Too many failed sign-ins, retry later"}, 429,
                                 {"retry-after": str(wait)})
        try:
            body = orjson.loads(await request.body())
            username, password = body["username"], body["password"]
            if not isinstance(username, str) or not isinstance(password, str) or \
                    len(username) > MAX_FIELD or len(password) > MAX_FIELD:
                raise TypeError
        except (orjson.JSONDecodeError, KeyError, TypeError):
            return json_response({"message": "Send JSON with a username and a password"}, 400)
        # Both comparisons always run, so the answer's timing tells nothing about which one failed.
        right = same(username, self.username) & same(password, self.password)
        if not right:
            await self.limits.failed(ip)
            log.warning("studio sign-in failed", extra={"client_ip": ip, "username": username[:100]})
            return json_response({"message": "Invalid username or password"}, 401)
        new = await self.store.create(username, ip)
        log.info("studio sign-in", extra={"client_ip": ip, "username": username})
        return json_response(self._body(new.session), 200,
                             {"set-cookie": self._cookie(request, new.token, self.store.lifetime)})

    async def logout(self, request: Request) -> Response:
        try:
            await self.guard.request(request)
        except ApiError as refused:
            if refused.status == 403:  # a cross-site form must not be able to sign the operator out
                return errors.response(refused)
        await self.store.end(cookie_token({"cookie": request.headers.get("cookie", "")}))
        return Response(status_code=204, headers={"set-cookie": self._cookie(request, "", 0),
                                                  "cache-control": "no-store"})

    async def session(self, request: Request) -> Response:
        try:
            return json_response(self._body(await self.guard.request(request)))
        except ApiError as refused:
            return errors.response(refused)
