"""GoTrue's error catalogue and its one renderer.

Handlers raise `ApiError(status, code, message)` (codes are GoTrue's `error_code` values). The body
depends on the `X-Supabase-Api-Version` request header, as GoTrue's: from 2024-01-01 on it is
`{"code": "<error_code>", "message": …}`, before that `{"code": <status>, "error_code", "msg"}`.
OAuth-style `{"error", "error_description"}` is used where GoTrue answers an OAuthError.
"""
from __future__ import annotations

import re
from typing import Any

from oricol.errors import RETRY_AFTER_UNAVAILABLE, ApiError, ErrorResponse, json_error, request_header

API_VERSION_HEADER = "x-supabase-api-version"
API_VERSION_2024 = "2024-01-01"
_VERSION = re.compile(r"^2[0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")

OAUTH = "oauth"  # ApiError.form of GoTrue's OAuthError: rendered as {"error", "error_description"}


def error(status: int, code: str, message: str, **details: Any) -> ApiError:
    return ApiError(status=status, code=code, message=message, details=details or None)


def oauth_error(code: str, description: str, status: int = 400) -> ApiError:
    return ApiError(status=status, code=code, message=description, form=OAUTH)


def bad_json() -> ApiError:
    return error(400, "bad_json", "Could not parse request body as JSON")


def validation(message: str) -> ApiError:
    return error(400, "validation_failed", message)


def no_authorization() -> ApiError:
    return error(401, "no_authorization", "This endpoint requires a valid Bearer token")


def bad_jwt(message: str) -> ApiError:
    return error(403, "bad_jwt", f"invalid JWT: unable to parse or verify signature, {message}")


def not_admin() -> ApiError:
    return error(403, "not_admin", "User not allowed")


def user_not_found() -> ApiError:
    return error(404, "user_not_found", "User not found")


def invalid_credentials() -> ApiError:
    return error(400, "invalid_credentials", "Invalid login credentials")


def weak_password(message: str, reasons: list[str]) -> ApiError:
    return error(422, "weak_password", message, reasons=reasons)


def otp_invalid() -> ApiError:
    return error(403, "otp_expired", "Token has expired or is invalid")


def over_request_rate_limit() -> ApiError:
    return error(429, "over_request_rate_limit", "Request rate limit reached")


def over_email_rate_limit(message: str = "Email rate limit exceeded") -> ApiError:
    return error(429, "over_email_send_rate_limit", message)


def database_unavailable() -> ApiError:
    return ApiError(503, "database_unavailable", "The database is unavailable, retry shortly",
                    headers={"Retry-After": RETRY_AFTER_UNAVAILABLE})


def requested_version(header: str | None) -> str | None:
    """The API version the client asked for, if it is a well-formed date GoTrue knows about."""
    if not header or not _VERSION.match(header.strip()):
        return None
    return API_VERSION_2024 if header.strip() >= API_VERSION_2024 else None


def render(err: ApiError, version: str | None) -> tuple[dict[str, Any], int, dict[str, str]]:
    """(body, status, headers) for `err` as GoTrue writes it for the requested API version."""
    headers = dict(err.headers)
    if version is not None:
        headers["X-Supabase-Api-Version"] = version
    if err.form == OAUTH:
        return {"error": err.code, "error_description": err.message}, err.status, headers
    headers["x-sb-error-code"] = err.code
    reasons = (err.details or {}).get("reasons") if isinstance(err.details, dict) else None
    if version is not None:
        body: dict[str, Any] = {"code": err.code, "message": err.message}
    else:
        body = {"code": err.status, "error_code": err.code, "msg": err.message}
    if reasons is not None:
        body["weak_password"] = {"reasons": reasons}
    return body, err.status, headers


class AuthFormat:
    """GoTrue's wire format as the gateway asks for it (oricol.errors.ErrorFormat)."""

    def rate_limited(self, retry_after: int) -> ApiError:
        refused = over_request_rate_limit()
        refused.headers["Retry-After"] = str(retry_after)
        return refused

    def unavailable(self) -> ApiError:
        return database_unavailable()

    def render(self, error: ApiError, scope: Any) -> ErrorResponse:
        body, status, headers = render(error, requested_version(request_header(scope, API_VERSION_HEADER.encode())))
        return json_error(status, body, headers)


FORMAT = AuthFormat()
