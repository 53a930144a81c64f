"""The gateway (the seed's Kong): one ASGI app in front of every service.

Per request, one named stage each: preflight (CORS) → route → identify (API key, bearer) → limit (rate)
→ body (size limit, byte count) → service. A stage refuses by raising the one `ApiError`: the refusals
Kong makes itself (key, route, size, a crashed service) render in Kong's format; a refused rate and an
unavailable database render in the mounted service's own format (`Service.errors`), as the service
would answer them. Whatever a service raises before answering becomes a JSON 500; no traceback reaches
a client.
"""
from __future__ import annotations

import hmac
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Mapping
from urllib.parse import parse_qs

import orjson

from oricol import errors
from oricol.clientaddr import Network, apply_forwarded
from oricol.db import Caller, unavailable
from oricol.errors import KONG, ApiError, ErrorFormat
from oricol.identity import HEADERS_KEY, SCOPE_KEY, Identity
from oricol.jwt import JwtError, Verifier

from . import cors
from .observe import RequestMetrics
from .ratelimit import RateLimiter
from .requestid import RequestIds
from .routes import (
    SERVICE_ROLE_ONLY,
    UNLIMITED_BODY,
    WEB_APP,
    console_target,
    discovery_alias,
    is_open,
    route_group,
    service_for,
    web_app_path,
)

ASGIApp = Callable[[dict, Callable, Callable], Awaitable[None]]
log = logging.getLogger("oricol.gateway")


class BodyTooLarge(Exception):
    """Raised from inside the service's `receive` (a signal, not an answer): becomes Kong's 413."""


@dataclass
class Exchange:
    """One request on its way through the stages: what they found out, and what was sent back."""

    scope: dict
    headers: dict[str, str]
    request_id: str
    origin: str | None
    started_at: float
    service: str | None = None
    prefix: str = ""
    identity: Identity | None = None
    answers_as: ErrorFormat = KONG  # the format a refusal raised by the current stage renders in
    status: int = 0
    started: bool = False  # the response has begun: too late to refuse
    sent: int = 0
    received: int = 0

    @property
    def path(self) -> str:
        return self.scope["path"]


@dataclass
class Gateway:
    verifier: Verifier
    services: dict[str, ASGIApp]
    health: Callable[[], Awaitable[tuple[int, dict]]]
    anon_key: str
    service_role_key: str
    max_body_bytes: int
    extra_routes: dict[str, ASGIApp] | None = None  # exact paths served by the gateway itself (/metrics)
    limiter: RateLimiter | None = None
    metrics: RequestMetrics | None = None
    # Studio's session check for the console routes: None when allowed, else its refusal.
    console_auth: Callable[[dict], Awaitable[ApiError | None]] | None = None
    trusted_proxies: tuple[Network, ...] = ()  # peers whose X-Forwarded-For/-Proto are believed
    formats: dict[str, ErrorFormat] = field(default_factory=dict)  # each service's error wire format
    _callers: dict[str, Caller] = field(default_factory=dict, repr=False)  # by token, see `_caller`
    _request_ids: RequestIds = field(default_factory=RequestIds, repr=False)

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        request = self._begin(scope)
        raw_send, send = send, self._observed(request, send)
        try:
            if await self._preflight(request, raw_send):
                return
            await self._route(request)
            if await self._own_routes(request, receive, send):
                return
            self._identify(request)
            await self._limit(request)
            receive = self._body(request, receive)
            await self._service(request, receive, send)
        except ApiError as error:
            await self._refuse(request, send, error, request.answers_as)
        except BodyTooLarge:
            await self._refuse(request, send, errors.body_too_large(), KONG)
        except Exception as error:
            await self._failed(request, send, error)
        finally:
            self._record(request)

    def _begin(self, scope: dict) -> Exchange:
        headers = _headers(scope)
        apply_forwarded(scope, headers, self.trusted_proxies)
        return Exchange(scope=scope, headers=headers, request_id=self._request_ids.of(headers),
                        origin=headers.get("origin"), started_at=time.perf_counter())

    def _observed(self, request: Exchange, send: Callable) -> Callable:
        """`send` that counts bytes, notes the status and adds the request id and CORS headers."""
        async def observed(message: dict) -> None:
            if message["type"] == "http.response.body":
                request.sent += len(message.get("body", b""))
            elif message["type"] == "http.response.start":
                request.status, request.started = message["status"], True
                extra = [(b"x-request-id", request.request_id.encode())]
                if request.origin:
                    extra += cors.response_headers(request.origin)
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            elif message["type"] == "websocket.accept":
                request.status, request.started = 101, True
            await send(message)
        return observed

    async def _preflight(self, request: Exchange, send: Callable) -> bool:
        """A CORS preflight is answered here, before any key is asked for (Kong's cors plugin)."""
        scope, headers = request.scope, request.headers
        if not (scope["type"] == "http" and scope["method"] == "OPTIONS" and request.origin
                and "access-control-request-method" in headers):
            return False
        await _respond(send, 200, b"", cors.preflight_headers(request.origin, headers.get("access-control-request-headers"))
                       + [(b"x-request-id", request.request_id.encode())], content_type=None)
        request.status = 200
        return True

    async def _route(self, request: Exchange) -> None:
        """Which service answers; a console route (Studio session) becomes a service_role request."""
        path = request.path
        alias = discovery_alias(path)
        if alias is not None:  # RFC 8414's root discovery addresses are auth's metadata (as Supabase's Kong)
            request.scope = {**request.scope, "path": alias, "raw_path": alias.encode()}
            path = request.path
        request.service, request.prefix = service_for(path)
        console = console_target(path) if self.console_auth is not None else None
        if console is not None:
            request.service, request.prefix = console[0], console[1]
            request.answers_as = self.formats.get("studio", KONG)
            request.scope = await self._enter_console(request.scope, console[2])
            request.headers = _headers(request.scope)
            request.answers_as = KONG
        elif request.service is None and WEB_APP in self.services and web_app_path(path):
            request.service = WEB_APP  # the browser app: its files are public, no key, no rate limit

    async def _own_routes(self, request: Exchange, receive: Callable, send: Callable) -> bool:
        """/metrics and /health, answered by the gateway itself; an unknown route is Kong's 404."""
        path = request.path
        if self.extra_routes and path in self.extra_routes:
            request.identity = self._identity(request, open_route=path == "/health")
            request.scope[SCOPE_KEY] = request.identity
            await self.extra_routes[path](request.scope, receive, send)
            return True
        if path == "/health":
            status, body = await self.health()
            await _json(send, status, body)
            return True
        if request.service is None or request.service not in self.services:
            raise errors.no_route()
        return False

    def _identify(self, request: Exchange) -> None:
        service = request.service
        request.identity = self._identity(request, open_route=service == WEB_APP or is_open(request.path))
        if service in SERVICE_ROLE_ONLY and not request.identity.is_service_role:
            raise errors.service_role_only(with_key=request.identity.apikey_role is not None)

    async def _limit(self, request: Exchange) -> None:
        """The per-IP and per-key rate: refused in the service's own format, as its own limits answer."""
        service = request.service
        if self.limiter is None or not self.limiter.enabled or service == WEB_APP:
            return
        assert service is not None and request.identity is not None  # the earlier stages set both
        client = request.scope.get("client")
        wait = await self.limiter.check(service, client[0] if client else None, request.identity.apikey)
        if wait:
            if self.metrics:
                self.metrics.limited.inc((("service", service),))
            request.answers_as = self._format_of(service)
            raise request.answers_as.rate_limited(int(wait))

    def _body(self, request: Exchange, receive: Callable) -> Callable:
        """Counts request bytes for metrics and, where the gateway's limit applies, enforces it."""
        if request.scope["type"] != "http":
            return receive
        maximum = self.max_body_bytes if request.service not in UNLIMITED_BODY else None
        length = request.headers.get("content-length")
        if maximum is not None and length and length.isdigit() and int(length) > maximum:
            raise errors.body_too_large()

        async def counted() -> dict:
            message = await receive()
            if message["type"] == "http.request":
                request.received += len(message.get("body", b""))
                if maximum is not None and request.received > maximum:
                    raise BodyTooLarge()
            return message
        return counted

    async def _service(self, request: Exchange, receive: Callable, send: Callable) -> None:
        request.answers_as = self._format_of(request.service)  # an ApiError a service lets escape is its own
        inner = dict(request.scope)
        inner["root_path"] = request.scope.get("root_path", "") + request.prefix
        inner[SCOPE_KEY] = request.identity
        inner[HEADERS_KEY] = request.headers  # decoded from this very scope's headers (see _route)
        assert request.service is not None  # _own_routes refused a request without one
        await self.services[request.service](inner, receive, send)

    async def _failed(self, request: Exchange, send: Callable, error: Exception) -> None:
        """What escaped a service: an unavailable database is the service's 503, the rest Kong's 500."""
        context = {"request_id": request.request_id, "path": request.path}
        if unavailable(error):
            # Fail fast while PostgreSQL restarts; the pools reconnect by themselves afterwards.
            log.warning("database unavailable", extra={**context, "error": error.__class__.__name__})
            service_format = self._format_of(request.service)
            await self._refuse(request, send, service_format.unavailable(), service_format)
            return
        log.exception("unhandled error", extra=context)
        await self._refuse(request, send, errors.unexpected(), KONG)

    def _format_of(self, service: str | None) -> ErrorFormat:
        return self.formats.get(service, KONG) if service is not None else KONG

    def _record(self, request: Exchange) -> None:
        scope = request.scope
        if scope["type"] != "http":
            return
        elapsed = time.perf_counter() - request.started_at
        service, path = request.service, request.path
        _log_request(scope, service, request.status, elapsed, request.identity, request.request_id)
        if self.metrics is not None:
            self.metrics.record(service or "gateway", route_group(service, path, request.prefix), scope["method"],
                                request.status, elapsed, request.received, request.sent, _grant(scope, service, path))

    async def _enter_console(self, scope: dict, inner_path: str) -> dict:
        """A console request with a live Studio session becomes a service_role request to the service's
        own path: the browser's cookie and any key it sent are dropped, the service key is added here."""
        assert self.console_auth is not None  # _route looks for console paths only with it
        refused = await self.console_auth(scope)
        if refused is not None:
            raise refused
        kept = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in (b"cookie", b"apikey", b"authorization")]
        key = self.service_role_key.encode()
        return {**scope, "path": inner_path, "raw_path": inner_path.encode(),
                "headers": kept + [(b"apikey", key), (b"authorization", b"Bearer " + key)]}

    def _identity(self, request: Exchange, *, open_route: bool) -> Identity:
        """Who calls: the `apikey` (header or query) must be ours unless the route is open; a bearer
        token that fails is kept as `jwt_error` for the service to answer in its own shape."""
        scope, headers = request.scope, request.headers
        apikey = headers.get("apikey") or _query_param(scope, "apikey")
        apikey_claims: dict[str, Any] | None = None
        if apikey:
            apikey_claims = self._check_apikey(apikey)
            if apikey_claims is None and not open_route:
                raise errors.invalid_api_key()
        elif not open_route:
            raise errors.no_api_key()
        bearer = _bearer(headers.get("authorization"))
        caller, error = None, None
        if bearer:
            try:
                caller = self._caller(bearer, self.verifier.verify(bearer))
            except JwtError as exc:
                error = exc
        elif apikey and apikey_claims is not None:  # (claims come only with a key)
            caller = self._caller(apikey, apikey_claims)
        role = str(apikey_claims.get("role")) if apikey_claims else None
        return Identity(apikey=apikey, apikey_role=role, bearer=bearer, caller=caller, jwt_error=error,
                        request_id=request.request_id)

    def _caller(self, token: str, claims: dict[str, Any]) -> Caller:
        """One Caller per verified token, so its claims are encoded to JSON once rather than per request.
        Reused only with the very claims the verifier just returned from its cache (it checks expiry)."""
        cached = self._callers.get(token)
        if cached is not None and cached.claims is claims:
            return cached
        caller = Caller(role=str(claims.get("role") or "anon"), claims=claims, token=token)
        if len(self._callers) >= self.verifier.cache_size:
            self._callers.clear()
        self._callers[token] = caller
        return caller

    def _check_apikey(self, apikey: str) -> dict[str, Any] | None:
        for known, _role in ((self.anon_key, "anon"), (self.service_role_key, "service_role")):
            if hmac.compare_digest(apikey.encode(), known.encode()):
                return self.verifier.verify(known)
        try:
            return self.verifier.verify(apikey)
        except JwtError:
            return None

    async def _refuse(self, request: Exchange, send: Callable, error: ApiError, answers_as: ErrorFormat) -> None:
        if request.started:
            return  # too late to answer; the connection is dropped
        if request.scope["type"] == "websocket":
            status = error.status
            await send({"type": "websocket.close", "code": 4000 + status if status < 1000 else 1011,
                        "reason": error.message})
            request.status = status
            return
        await answers_as.render(error, request.scope).send(send)


def _headers(scope: dict) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _query_param(scope: dict, name: str) -> str | None:
    query = scope.get("query_string", b"")
    if not query or name.encode() not in query:
        return None
    values = parse_qs(query.decode("latin-1")).get(name)
    return values[0] if values else None


def _bearer(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def _respond(send: Callable, status: int, body: bytes, headers: list[tuple[bytes, bytes]],
                   content_type: bytes | None = b"application/json") -> None:
    all_headers = list(headers)
    if content_type:
        all_headers.append((b"content-type", content_type))
    all_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body})


async def _json(send: Callable, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
    extra = [(k.lower().encode(), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await _respond(send, status, orjson.dumps(body), extra)


async def _lifespan(receive: Callable, send: Callable) -> None:
    # Services are started and stopped by the server around the gateway, not through lifespan.
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _grant(scope: dict, service: str | None, path: str) -> str | None:
    """The grant type of an auth /token request, for the sign-in counters."""
    if service != "auth" or not path.endswith("/token"):
        return None
    grant = _query_param(scope, "grant_type")
    return grant if grant in ("password", "refresh_token", "pkce", "id_token") else None


def _log_request(scope: dict, service: str | None, status: int, elapsed: float, identity: Identity | None,
                 request_id: str) -> None:
    if not log.isEnabledFor(logging.INFO):
        return
    caller = identity.caller if identity else None
    log.info("request", extra={
        "request_id": request_id, "service": service or "gateway", "method": scope.get("method"),
        "path": scope["path"], "status": status, "duration_ms": round(elapsed * 1000, 2),
        "role": caller.role if caller else None, "user_id": caller.user_id if caller else None,
    })
