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

# GoTrue's error codes (apierrors/errorcodes.go) as this service uses them, by name everywhere.
ANONYMOUS_PROVIDER_DISABLED = "anonymous_provider_disabled"
BAD_CODE_VERIFIER = "bad_code_verifier"
BAD_JSON = "bad_json"
BAD_JWT = "bad_jwt"
BAD_OAUTH_CALLBACK = "bad_oauth_callback"
BAD_OAUTH_STATE = "bad_oauth_state"
DATABASE_UNAVAILABLE = "database_unavailable"
EMAIL_EXISTS = "email_exists"
EMAIL_NOT_CONFIRMED = "email_not_confirmed"
FLOW_STATE_ALREADY_USED = "flow_state_already_used"
FLOW_STATE_EXPIRED = "flow_state_expired"
FLOW_STATE_NOT_FOUND = "flow_state_not_found"
HOOK_TIMEOUT_AFTER_RETRY = "hook_timeout_after_retry"
INSUFFICIENT_AAL = "insufficient_aal"
INVALID_CREDENTIALS = "invalid_credentials"
METHOD_NOT_ALLOWED = "method_not_allowed"
MFA_CHALLENGE_EXPIRED = "mfa_challenge_expired"
MFA_CHALLENGE_NOT_FOUND = "mfa_challenge_not_found"
MFA_FACTOR_NAME_CONFLICT = "mfa_factor_name_conflict"
MFA_FACTOR_NOT_FOUND = "mfa_factor_not_found"
MFA_FACTOR_TYPE_NOT_SUPPORTED = "mfa_factor_type_not_supported"
MFA_VERIFICATION_FAILED = "mfa_verification_failed"
NO_AUTHORIZATION = "no_authorization"
NOT_ADMIN = "not_admin"
NOT_FOUND = "not_found"
OAUTH_PROVIDER_NOT_SUPPORTED = "oauth_provider_not_supported"
OTP_DISABLED = "otp_disabled"
OTP_EXPIRED = "otp_expired"
OVER_EMAIL_SEND_RATE_LIMIT = "over_email_send_rate_limit"
OVER_REQUEST_RATE_LIMIT = "over_request_rate_limit"
PHONE_PROVIDER_DISABLED = "phone_provider_disabled"
PROVIDER_EMAIL_NEEDS_VERIFICATION = "provider_email_needs_verification"
REAUTHENTICATION_NEEDED = "reauthentication_needed"
REAUTHENTICATION_NOT_VALID = "reauthentication_not_valid"
REFRESH_TOKEN_ALREADY_USED = "refresh_token_already_used"
REFRESH_TOKEN_NOT_FOUND = "refresh_token_not_found"
SAME_PASSWORD = "same_password"
SAML_PROVIDER_DISABLED = "saml_provider_disabled"
SESSION_EXPIRED = "session_expired"
SESSION_NOT_FOUND = "session_not_found"
SIGNUP_DISABLED = "signup_disabled"
TOO_MANY_ENROLLED_MFA_FACTORS = "too_many_enrolled_mfa_factors"
UNEXPECTED_FAILURE = "unexpected_failure"
UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type"
USER_ALREADY_EXISTS = "user_already_exists"
USER_BANNED = "user_banned"
USER_NOT_FOUND = "user_not_found"
VALIDATION_FAILED = "validation_failed"
WEAK_PASSWORD = "weak_password"

OAUTH = "oauth"  # ApiError.form of GoTrue's OAuthError: rendered as {"error", "error_description"}


def error(status: int, code: str, message: str, **details: Any) -> ApiError:
    return ApiError(status=status, code=code, message=message, details=details or None)


def oauth_error(code: str, description: str, status: int = 400) -> ApiError:
    return ApiError(status=status, code=code, message=description, form=OAUTH)


def bad_json() -> ApiError:
    return error(400, BAD_JSON, "Could not parse request body as JSON")


def validation(message: str) -> ApiError:
    return error(400, VALIDATION_FAILED, message)


def no_authorization() -> ApiError:
    return error(401, NO_AUTHORIZATION, "This endpoint requires a valid Bearer token")


def bad_jwt(message: str) -> ApiError:
    return error(403, BAD_JWT, f"invalid JWT: unable to parse or verify signature, {message}")


def not_admin() -> ApiError:
    return error(403, NOT_ADMIN, "User not allowed")


def user_not_found() -> ApiError:
    return error(404, USER_NOT_FOUND, "User not found")


def invalid_credentials() -> ApiError:
    return error(400, INVALID_CREDENTIALS, "Invalid login credentials")


def weak_password(message: str, reasons: list[str]) -> ApiError:
    return error(422, WEAK_PASSWORD, message, reasons=reasons)


def otp_invalid() -> ApiError:
    return error(403, OTP_EXPIRED, "Token has expired or is invalid")


def over_request_rate_limit() -> ApiError:
    return error(429, OVER_REQUEST_RATE_LIMIT, "Request rate limit reached")


def over_email_rate_limit(message: str = "Email rate limit exceeded") -> ApiError:
    return error(429, OVER_EMAIL_SEND_RATE_LIMIT, message)


def database_unavailable() -> ApiError:
    return ApiError(503, DATABASE_UNAVAILABLE, "The database is unavailable, retry shortly",
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
