"""PostgREST's error catalogue and its one renderer: `{code, message, details, hint}`.

Every failure of the REST service becomes an `ApiError` carrying a PGRST code or a SQLSTATE;
`from_postgres` maps database errors to HTTP statuses as PostgREST v12 does, and `render` is the
only place a body is produced, so no stack trace or second error shape can reach a client.
"""
from __future__ import annotations

from typing import Any

import orjson

from oricol.errors import RETRY_AFTER_UNAVAILABLE, ApiError, ErrorResponse
from oricol.jwt import JwtError

# SQLSTATE (exact or class prefix) -> HTTP status, most specific first.
SQLSTATE_STATUS: tuple[tuple[str, int], ...] = (
    ("23503", 409), ("23505", 409), ("25006", 405), ("42883", 404), ("42P01", 404),
    ("42P17", 500), ("53400", 500), ("57014", 500), ("P0001", 400),
    ("08", 503), ("09", 500), ("0L", 403), ("0P", 403), ("25", 500), ("28", 403), ("2D", 500),
    ("38", 500), ("39", 500), ("3B", 500), ("40", 500), ("53", 503), ("54", 500), ("55", 500),
    ("57", 500), ("58", 500), ("F0", 500), ("HV", 500), ("P0", 500), ("XX", 500), ("42", 400),
)


def error(status: int, code: str, message: str, details: Any = None, hint: Any = None,
          headers: dict[str, str] | None = None) -> ApiError:
    return ApiError(status=status, code=code, message=message, details=details, hint=hint,
                    headers=headers or {})


def parse_error(message: str, details: Any = None) -> ApiError:
    return error(400, "PGRST100", message, details)


def invalid_body(details: Any = None) -> ApiError:
    return error(400, "PGRST102", "Empty or invalid json", details)


def singular(rows: int) -> ApiError:
    return error(406, "PGRST116", "JSON object requested, multiple (or no) rows returned",
                 f"The result contains {rows} rows")


def status_for_sqlstate(sqlstate: str, role: str) -> int:
    if sqlstate == "42501":
        return 401 if role == "anon" else 403
    if len(sqlstate) == 5 and sqlstate.startswith("PT") and sqlstate[2:].isdigit():
        return int(sqlstate[2:])
    for prefix, status in SQLSTATE_STATUS:
        if sqlstate.startswith(prefix):
            return status
    return 400


def from_postgres(exc: Exception, role: str) -> ApiError:
    """A database error as PostgREST reports it: the SQLSTATE as code, message, detail and hint."""
    sqlstate = getattr(exc, "sqlstate", None) or "XX000"
    message = getattr(exc, "message", None) or str(exc)
    details = getattr(exc, "detail", None)
    hint = getattr(exc, "hint", None)
    if sqlstate == "PGRST":
        return _raised_pgrst(message, details)
    headers = {}
    if sqlstate == "42501" and role == "anon":
        headers["WWW-Authenticate"] = "Bearer"
    return error(status_for_sqlstate(sqlstate, role), sqlstate, message, details, hint, headers)


def _raised_pgrst(message: str, details: Any) -> ApiError:
    """`raise sqlstate 'PGRST' using message = '{json}', detail = '{"status":..,"headers":..}'`."""
    try:
        body = orjson.loads(message)
        meta = orjson.loads(details or "{}")
        status = int(meta.get("status", 400))
        headers = {str(k): str(v) for k, v in (meta.get("headers") or {}).items()}
        return error(status, str(body.get("code", "")), str(body.get("message", "")),
                     body.get("details"), body.get("hint"), headers)
    except (orjson.JSONDecodeError, AttributeError, TypeError, ValueError):
        return error(500, "PGRST121", "Could not parse JSON in the \"RAISE SQLSTATE 'PGRST'\" error",
                     "Invalid JSON value for MESSAGE: '" + message + "'",
                     "MESSAGE must be a JSON object with obligatory keys: 'code', 'message'.")


def from_jwt(exc: JwtError) -> ApiError:
    code = "PGRST303" if exc.expired else "PGRST301"
    return error(401, code, exc.message, None, None,
                 {"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{exc.message}"'})


def render(err: ApiError) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    """The only renderer: status, JSON body and headers of an error response."""
    body = orjson.dumps({"code": err.code, "details": err.details, "hint": err.hint, "message": err.message})
    headers = [(b"content-type", b"application/json; charset=utf-8")]
    headers += [(k.lower().encode("latin-1"), v.encode("latin-1", "replace")) for k, v in err.headers.items()]
    return err.status, body, headers


# PostgREST has no code of its own for a refused rate (it sits behind a proxy that limits): the status.
RATE_LIMITED = "429"
CONNECTION_FAILED = "PGRST000"  # PostgREST's "could not connect with the database", a 503


class RestFormat:
    """PostgREST's wire format as the gateway asks for it (oricol.errors.ErrorFormat)."""

    def rate_limited(self, retry_after: int) -> ApiError:
        return error(429, RATE_LIMITED, "Too many requests, retry later", headers={"Retry-After": str(retry_after)})

    def unavailable(self) -> ApiError:
        return error(503, CONNECTION_FAILED, "The database is unavailable, retry shortly",
                     headers={"Retry-After": RETRY_AFTER_UNAVAILABLE})

    def render(self, err: ApiError, scope: Any) -> ErrorResponse:
        return ErrorResponse(*render(err))


FORMAT = RestFormat()
