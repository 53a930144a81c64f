"""The one error type of the process, and the protocol every wire format's renderer follows.

Handlers raise `ApiError`; each wire format has one renderer (Kong's, the gateway's own, is here; the
services' live in their packages beside their code catalogues), so a prefix never answers in two shapes.
The gateway renders its own refusals through these too: the ones Kong makes before any service sees the
request (API key, route, body size, a crashed service) in Kong's format, the ones that stand in for the
service's own answer (rate limited, database unavailable) by asking the mounted service's `ErrorFormat`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Mapping, Protocol

import orjson


@dataclass
class ApiError(Exception):
    status: int
    code: str
    message: str
    details: Any = None
    hint: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    form: str | None = None  # which of its wire format's bodies, where a format has two (auth: "oauth")

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


@dataclass(frozen=True)
class ErrorResponse:
    """A rendered error: the HTTP status, the JSON bytes and the headers (content-type included)."""

    status: int
    body: bytes
    headers: list[tuple[bytes, bytes]]

    async def send(self, send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        headers = self.headers + [(b"content-length", str(len(self.body)).encode())]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


class ErrorFormat(Protocol):
    """One service's wire format for errors. `rate_limited` and `unavailable` are its catalogue's entries
    for the two refusals the gateway makes on the service's behalf; `render` is its only renderer."""

    def rate_limited(self, retry_after: int) -> ApiError: ...

    def unavailable(self) -> ApiError: ...

    def render(self, error: ApiError, scope: Mapping[str, Any]) -> ErrorResponse: ...


def json_error(status: int, body: Any, headers: Mapping[str, str], content_type: bytes = b"application/json") -> ErrorResponse:
    """The common tail of every renderer: JSON bytes, the error's headers, a content type."""
    encoded = [(k.lower().encode("latin-1"), v.encode("latin-1", "replace")) for k, v in headers.items()]
    return ErrorResponse(status, orjson.dumps(body), [(b"content-type", content_type)] + encoded)


def request_header(scope: Mapping[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


RETRY_AFTER_UNAVAILABLE = "1"  # seconds: PostgreSQL restarts are short, the pools reconnect by themselves


class KongFormat:
    """Kong's shape, a bare message: what the seed's gateway answers for key, route and size refusals."""

    def rate_limited(self, retry_after: int) -> ApiError:
        return ApiError(429, "rate_limited", "Too many requests, retry later", headers={"Retry-After": str(retry_after)})

    def unavailable(self) -> ApiError:
        return ApiError(503, "unavailable", "The database is unavailable, retry shortly",
                        headers={"Retry-After": RETRY_AFTER_UNAVAILABLE})

    def render(self, error: ApiError, scope: Mapping[str, Any]) -> ErrorResponse:
        return json_error(error.status, {"message": error.message}, error.headers)


KONG = KongFormat()

# Kong's own refusals (the gateway's catalogue).
def no_api_key() -> ApiError:
    return ApiError(401, "no_api_key", "No API key found in request")


def invalid_api_key() -> ApiError:
    return ApiError(401, "invalid_api_key", "Invalid API key")


def no_route() -> ApiError:
    return ApiError(404, "no_route", "no Route matched with those values")


def service_role_only(with_key: bool) -> ApiError:
    return ApiError(403 if with_key else 401, "service_role_only", "This route needs the service_role key")


def body_too_large() -> ApiError:
    return ApiError(413, "body_too_large", "Request size limit exceeded")


def unexpected() -> ApiError:
    return ApiError(500, "unexpected", "An unexpected error occurred")
