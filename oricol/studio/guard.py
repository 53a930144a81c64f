"""Who may use the console: a live session cookie, and its CSRF token on every request that changes
something. The same check guards Studio's own endpoints and the gateway's console routes
(/studio/api/pg, /rest/v1, /auth/v1, /storage/v1), so nothing the console does is reachable without it."""
from __future__ import annotations

from dataclasses import dataclass

import orjson
from starlette.requests import Request
from starlette.responses import Response

from oricol.errors import ApiError

from . import errors
from .sessions import CSRF_HEADER, Session, SessionStore, cookie_token, csrf_ok

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def json_response(body, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json",
                    headers={"cache-control": "no-store", **(headers or {})})


@dataclass
class Guard:
    store: SessionStore

    async def check(self, method: str, headers: dict[str, str]) -> Session:
        """The session of a request, or an ApiError: 401 without a live session, 403 for a write without
        the session's CSRF token."""
        session = await self.store.find(cookie_token(headers))
        if session is None:
            raise errors.no_session()
        if method.upper() not in SAFE_METHODS and not csrf_ok(session, headers.get(CSRF_HEADER)):
            raise errors.bad_csrf()
        return session

    async def request(self, request: Request) -> Session:
        return await self.check(request.method, {k.lower(): v for k, v in request.headers.items()})

    async def authenticate(self, scope: dict) -> ApiError | None:
        """The gateway's hook for console routes: None when allowed, else the refusal (Studio's format)."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        try:
            await self.check(scope.get("method", "GET"), headers)
        except ApiError as refused:
            return refused
        return None
