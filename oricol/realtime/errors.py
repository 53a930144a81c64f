"""Realtime's error catalogue and its one wire shape on the HTTP side: `{"message": ..., "error": ...}`
(realtime-js reads `error`, other clients `message`). WebSocket refusals are close codes, not bodies."""
from __future__ import annotations

from oricol.errors import RETRY_AFTER_UNAVAILABLE, ApiError, ErrorResponse, json_error


def not_found() -> ApiError:
    return ApiError(404, "not_found", "no such realtime endpoint")


def payload_too_large() -> ApiError:
    return ApiError(413, "payload_too_large", "request body too large")


def invalid_request(message: str) -> ApiError:
    return ApiError(422, "invalid_request", message)


def invalid_json() -> ApiError:
    return ApiError(400, "invalid_json", "request body is not valid JSON")


def invalid_jwt(message: str) -> ApiError:
    return ApiError(401, "invalid_jwt", message)


def unauthorized(topic: str) -> ApiError:
    return ApiError(403, "unauthorized", f"You do not have permissions to write to this Channel topic: {topic}")


def rate_limited(retry_after: int) -> ApiError:
    return ApiError(429, "rate_limited", "Too many requests, retry later", headers={"Retry-After": str(retry_after)})


def database_unavailable() -> ApiError:
    return ApiError(503, "unavailable", "The database is unavailable, retry shortly",
                    headers={"Retry-After": RETRY_AFTER_UNAVAILABLE})


def render(error: ApiError) -> ErrorResponse:
    return json_error(error.status, {"message": error.message, "error": error.message}, error.headers)


class RealtimeFormat:
    """Realtime's wire format as the gateway asks for it (oricol.errors.ErrorFormat)."""

    def rate_limited(self, retry_after: int) -> ApiError:
        return rate_limited(retry_after)

    def unavailable(self) -> ApiError:
        return database_unavailable()

    def render(self, error: ApiError, scope: object) -> ErrorResponse:
        return render(error)


FORMAT = RealtimeFormat()
