"""The Studio console API's one error shape, `{"message": ...}`, never cached (cache-control: no-store)."""
from __future__ import annotations

from starlette.responses import Response

from oricol.errors import RETRY_AFTER_UNAVAILABLE, ApiError, ErrorResponse, json_error


def no_session() -> ApiError:
    """The console session check said no: the request carries no live session cookie."""
    return ApiError(401, "no_session", "Sign in to the Studio first")


def bad_csrf() -> ApiError:
    """A write with a live session but without that session's CSRF token (a cross-site form, say)."""
    return ApiError(403, "bad_csrf", "Missing or wrong CSRF token (X-CSRF-Token)")


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


def response(error: ApiError) -> Response:
    """An error in Studio's shape as a Starlette response, for the console API's own endpoints."""
    rendered = FORMAT.render(error, {})
    return Response(rendered.body, status_code=rendered.status, headers={
        k.decode("latin-1"): v.decode("latin-1") for k, v in rendered.headers})
