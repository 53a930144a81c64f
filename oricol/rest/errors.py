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

# PostgREST's error codes (Error.hs), used by name everywhere in the service.
CONNECTION_FAILED = "PGRST000"  # the database could not be reached (a 503)
INTERNAL = CONNECTION_FAILED  # ours: an unexpected failure, in PostgREST's group of connection/internal errors
# PostgREST has no code of its own for a refused rate (it sits behind a proxy that limits): the status.
RATE_LIMITED = "429"
SCHEMA_CACHE_UNAVAILABLE = "PGRST002"  # the schema cache could not be loaded
PARSE_ERROR = "PGRST100"  # a query string, header or body that does not parse
RPC_METHOD = "PGRST101"  # a method other than GET/HEAD/POST on a function
INVALID_BODY = "PGRST102"  # an empty or invalid JSON body
RANGE_NOT_SATISFIABLE = "PGRST103"  # a Range or offset past the result
PUT_FILTERS = "PGRST105"  # a PUT whose filters are not exactly the primary key with eq
SCHEMA_NOT_EXPOSED = "PGRST106"  # Accept-/Content-Profile naming a schema that is not exposed
MEDIA_TYPE = "PGRST107"  # an Accept or Content-Type we cannot produce or read
NOT_EMBEDDED = "PGRST108"  # a filter or order on a resource the select does not embed
RESPONSE_HEADERS_GUC = "PGRST111"  # response.headers set to something other than an array of objects
RESPONSE_STATUS_GUC = "PGRST112"  # response.status set to something other than a status code
PUT_LIMIT = "PGRST114"  # limit/offset on a PUT
PUT_PRIMARY_KEY = "PGRST115"  # a PUT body whose primary key differs from the URL's
SINGULAR = "PGRST116"  # a single object asked for, and not exactly one row
UNSUPPORTED_METHOD = "PGRST117"  # an HTTP method a table does not take
RELATED_ORDER = "PGRST118"  # an order by a related resource that is not to-one
SPREAD = "PGRST119"  # a spread of a relationship that is not to-one
RAISE_JSON = "PGRST121"  # RAISE SQLSTATE 'PGRST' with a message or detail that is not the JSON asked for
PREFERENCES = "PGRST122"  # Prefer: handling=strict with a preference we do not know
AGGREGATES = "PGRST123"  # an aggregate function while aggregates are disabled
MAX_AFFECTED = "PGRST124"  # more rows changed than Prefer: max-affected allows
INVALID_PATH = "PGRST125"  # a path that names no table, function or root
OPENAPI_DISABLED = "PGRST126"  # the root asked for while the OpenAPI output is off
NO_RELATIONSHIP = "PGRST200"  # an embedding with no relationship in the schema cache
AMBIGUOUS_RELATIONSHIP = "PGRST201"  # an embedding that more than one relationship could mean
NO_FUNCTION = "PGRST202"  # a function the schema cache does not know with these arguments
AMBIGUOUS_FUNCTION = "PGRST203"  # more than one overloaded function fits the arguments
NO_COLUMN = "PGRST204"  # a body column the table does not have
NO_TABLE = "PGRST205"  # a table or view the schema cache does not know
JWT_INVALID = "PGRST301"  # a bearer token that does not verify
JWT_EXPIRED = "PGRST303"  # a bearer token past its exp

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
    return error(400, PARSE_ERROR, message, details)


def invalid_body(details: Any = None) -> ApiError:
    return error(400, INVALID_BODY, "Empty or invalid json", details)


def singular(rows: int) -> ApiError:
    return error(406, SINGULAR, "JSON object requested, multiple (or no) rows returned",
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
        return error(500, RAISE_JSON, "Could not parse JSON in the \"RAISE SQLSTATE 'PGRST'\" error",
                     "Invalid JSON value for MESSAGE: '" + message + "'",
                     "MESSAGE must be a JSON object with obligatory keys: 'code', 'message'.")


def from_jwt(exc: JwtError) -> ApiError:
    code = JWT_EXPIRED if exc.expired else JWT_INVALID
    return error(401, code, exc.message, None, None,
                 {"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{exc.message}"'})


def render(err: ApiError) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    """The only renderer: status, JSON body and headers of an error response."""
    body = orjson.dumps({"code": err.code, "details": err.details, "hint": err.hint, "message": err.message})
    headers = [(b"content-type", b"application/json; charset=utf-8")]
    headers += [(k.lower().encode("latin-1"), v.encode("latin-1", "replace")) for k, v in err.headers.items()]
    return err.status, body, headers



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
