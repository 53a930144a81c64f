"""The gateway (the seed's Kong): one ASGI app in front of every service.

Per request: request id → CORS preflight → route → API key and bearer check → body limit → service.
Whatever a service raises before answering becomes a JSON 500; no traceback reaches a client.
"""
from __future__ import annotations

import hmac
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping
from urllib.parse import parse_qs

import orjson

from oricol.clientaddr import Network, apply_forwarded
from oricol.db import Caller, unavailable
from oricol.identity import SCOPE_KEY, Identity
from oricol.jwt import JwtError, Verifier

from . import cors
from .observe import RequestMetrics
from .ratelimit import RateLimiter
from .routes import (
    SERVICE_ROLE_ONLY,
    UNLIMITED_BODY,
    WEB_APP,
    console_target,
    error_body,
    is_open,
    route_group,
    service_for,
    web_app_path,
)

ASGIApp = Callable[[dict, Callable, Callable], Awaitable[None]]
log = logging.getLogger("oricol.gateway")


class Reject(Exception):
    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None,
                 body: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        self.body = body


class BodyTooLarge(Exception):
    pass


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
    # Studio's session check for the console routes: None when allowed, else (status, message).
    console_auth: Callable[[dict], Awaitable[tuple[int, str] | None]] | None = None
    trusted_proxies: tuple[Network, ...] = ()  # peers whose X-Forwarded-For/-Proto are believed

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        headers = _headers(scope)
        apply_forwarded(scope, headers, self.trusted_proxies)
        request_id = _request_id(headers)
        origin = headers.get("origin")
        started = time.perf_counter()
        state = {"status": 0, "started": False, "sent": 0, "received": 0}

        async def send_wrapped(message: dict) -> None:
            if message["type"] == "http.response.body":
                state["sent"] += len(message.get("body", b""))
            elif message["type"] == "http.response.start":
                state["status"] = message["status"]
                state["started"] = True
                extra = [(b"x-request-id", request_id.encode())]
                if origin:
                    extra += cors.response_headers(origin)
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            elif message["type"] == "websocket.accept":
                state["status"], state["started"] = 101, True
            await send(message)

        path = scope["path"]
        service, prefix = service_for(path)
        console = console_target(path) if self.console_auth is not None else None
        if console is not None:
            service, prefix = console[0], console[1]
        if service is None and WEB_APP in self.services and web_app_path(path):
            service = WEB_APP  # the browser app: its files are public, no key, no rate limit
        identity: Identity | None = None
        try:
            if console is not None:
                scope = await self._enter_console(scope, console[2])
                headers, path = _headers(scope), scope["path"]
            if scope["type"] == "http" and scope["method"] == "OPTIONS" and origin and \
                    "access-control-request-method" in headers:
                await _respond(send, 200, b"", cors.preflight_headers(origin, headers.get("access-control-request-headers"))
                               + [(b"x-request-id", request_id.encode())], content_type=None)
                state["status"] = 200
                return
            if self.extra_routes and path in self.extra_routes:
                identity = self._identify(scope, headers, path, request_id, open_route=path == "/health")
                scope[SCOPE_KEY] = identity
                await self.extra_routes[path](scope, receive, send_wrapped)
                return
            if path == "/health":
                status, body = await self.health()
                await _json(send_wrapped, status, body)
                return
            if service is None or service not in self.services:
                raise Reject(404, "no Route matched with those values")
            identity = self._identify(scope, headers, path, request_id,
                                      open_route=service == WEB_APP or is_open(path))
            if service in SERVICE_ROLE_ONLY and not identity.is_service_role:
                raise Reject(403 if identity.apikey_role else 401, "This route needs the service_role key")
            if self.limiter is not None and self.limiter.enabled and service != WEB_APP:
                client = scope.get("client")
                wait = await self.limiter.check(service, client[0] if client else None, identity.apikey)
                if wait:
                    if self.metrics:
                        self.metrics.limited.inc((("service", service),))
                    raise Reject(429, "Too many requests, retry later", {"Retry-After": str(int(wait))},
                                 body=error_body(service, 429, "Too many requests, retry later",
                                                 "over_request_rate_limit"))
            if scope["type"] == "http":
                receive = self._count_body(headers, receive, state, limit=service not in UNLIMITED_BODY)
            inner = dict(scope)
            inner["root_path"] = scope.get("root_path", "") + prefix
            inner[SCOPE_KEY] = identity
            await self.services[service](inner, receive, send_wrapped)
        except Reject as reject:
            await self._refuse(scope, send_wrapped, state, reject.status, reject.message, reject.headers,
                               body=reject.body)
        except BodyTooLarge:
            await self._refuse(scope, send_wrapped, state, 413, "Request size limit exceeded")
        except Exception as error:
            if unavailable(error):
                # Fail fast while PostgreSQL restarts; the pools reconnect by themselves afterwards.
                log.warning("database unavailable", extra={"request_id": request_id, "path": path,
                                                           "error": error.__class__.__name__})
                message = "The database is unavailable, retry shortly"
                await self._refuse(scope, send_wrapped, state, 503, message, {"Retry-After": "1"},
                                   body=error_body(service, 503, message, "database_unavailable"))
                return
            log.exception("unhandled error", extra={"request_id": request_id, "path": path})
            await self._refuse(scope, send_wrapped, state, 500, "An unexpected error occurred")
        finally:
            if scope["type"] == "http":
                elapsed = time.perf_counter() - started
                _log_request(scope, service, state["status"], elapsed, identity, request_id)
                if self.metrics is not None:
                    self.metrics.record(service or "gateway", route_group(service, path, prefix), scope["method"],
                                        state["status"], elapsed, state["received"], state["sent"],
                                        _grant(scope, service, path))

    async def _enter_console(self, scope: dict, inner_path: str) -> dict:
        """A console request with a live Studio session becomes a service_role request to the service's
        own path: the browser's cookie and any key it sent are dropped, the service key is added here."""
        refused = await self.console_auth(scope)
        if refused is not None:
            raise Reject(*refused)
        kept = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in (b"cookie", b"apikey", b"authorization")]
        key = self.service_role_key.encode()
        return {**scope, "path": inner_path, "raw_path": inner_path.encode(),
                "headers": kept + [(b"apikey", key), (b"authorization", b"Bearer " + key)]}

    def _identify(self, scope: dict, headers: Mapping[str, str], path: str, request_id: str,
                  *, open_route: bool) -> Identity:
        apikey = headers.get("apikey") or _query_param(scope, "apikey")
        apikey_claims: dict[str, Any] | None = None
        if apikey:
            apikey_claims = self._check_apikey(apikey)
            if apikey_claims is None and not open_route:
                raise Reject(401, "Invalid API key")
        elif not open_route:
            raise Reject(401, "No API key found in request")
        bearer = _bearer(headers.get("authorization"))
        caller, error = None, None
        if bearer:
            try:
                claims = self.verifier.verify(bearer)
                caller = Caller(role=str(claims.get("role") or "anon"), claims=claims, token=bearer)
            except JwtError as exc:
                error = exc
        elif apikey_claims is not None:
            caller = Caller(role=str(apikey_claims.get("role") or "anon"), claims=apikey_claims, token=apikey)
        role = str(apikey_claims.get("role")) if apikey_claims else None
        return Identity(apikey=apikey, apikey_role=role, bearer=bearer, caller=caller, jwt_error=error,
                        request_id=request_id)

    def _check_apikey(self, apikey: str) -> dict[str, Any] | None:
        for known, _role in ((self.anon_key, "anon"), (self.service_role_key, "service_role")):
            if hmac.compare_digest(apikey.encode(), known.encode()):
                return self.verifier.verify(known)
        try:
            return self.verifier.verify(apikey)
        except JwtError:
            return None

    def _count_body(self, headers: Mapping[str, str], receive: Callable, state: dict, *, limit: bool) -> Callable:
        """Counts request bytes for metrics and, where the gateway's limit applies, enforces it."""
        maximum = self.max_body_bytes if limit else None
        length = headers.get("content-length")
        if maximum is not None and length and length.isdigit() and int(length) > maximum:
            raise BodyTooLarge()

        async def counted() -> dict:
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if maximum is not None and state["received"] > maximum:
                    raise BodyTooLarge()
            return message
        return counted

    async def _refuse(self, scope: dict, send: Callable, state: dict, status: int, message: str,
                      headers: Mapping[str, str] | None = None, body: dict | None = None) -> None:
        if state["started"]:
            return  # too late to answer; the connection is dropped
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4000 + status if status < 1000 else 1011,
                        "reason": message})
            state["status"] = status
            return
        await _json(send, status, body or {"message": message}, headers)


def _headers(scope: dict) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _request_id(headers: Mapping[str, str]) -> str:
    given = headers.get("x-request-id", "")
    if 0 < len(given) <= 128 and given.replace("-", "").isalnum():
        return given
    return str(uuid.uuid4())


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
