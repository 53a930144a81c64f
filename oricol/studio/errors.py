"""The Studio console API's one error shape, `{"message": ...}`, never cached (cache-control: no-store)."""
from __future__ import annotations

from oricol.errors import RETRY_AFTER_UNAVAILABLE, ApiError, ErrorResponse, json_error


def refused(status: int, message: str) -> ApiError:
    """The console session check said no (no live session, or a write without its CSRF token)."""
    return ApiError(status, "session_refused", message)


class StudioFormat:
    """Studio's wire format as the gateway asks for it (oricol.errors.ErrorFormat)."""

    def rate_limited(self, retry_after: int) -> ApiError:
        return ApiError(429, "rate_limited", "Too many requests, retry later", headers={"Retry-After": str(retry_after)})

    def unavailable(self) -> ApiError:
        return ApiError(503, "unavailable", "The database is unavailable, retry shortly",
                        headers={"Retry-After": RETRY_AFTER_UNAVAILABLE})

    def render(self, error: ApiError, scope: object) -> ErrorResponse:
        return json_error(error.status, {"message": error.message}, {"cache-control": "no-store", **error.headers})


FORMAT = StudioFormat()
