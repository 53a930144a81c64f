"""HTTP helpers of the meta service: JSON answers, the error wrapper, the body and query-string readers.

Query strings follow postgres-meta's: booleans `true`/`false`, integers for `limit`/`offset`, and
comma-separated schema lists.
"""
from __future__ import annotations

import functools
from typing import Any, Awaitable, Callable

import orjson
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from oricol.errors import ApiError

from . import errors

Handler = Callable[[Request], Awaitable[Response]]

BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def json_response(data: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type="application/json")


def raw_json(payload: str | bytes, status: int = 200) -> Response:
    """JSON PostgreSQL already built, passed through without decoding."""
    return Response(payload, status_code=status, media_type="application/json")


def error_response(error: ApiError) -> Response:
    status, payload = errors.render(error)
    return Response(payload, status_code=status, headers=error.headers or None, media_type="application/json")


def endpoint(*, listing: bool = False) -> Callable[[Handler], Handler]:
    """Every failure leaves in postgres-meta's shape. A listing that fails is a 500 there, a write a 400."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapped(request: Request) -> Response:
            try:
                refuse_other_databases(request)
                return await handler(request)
            except ClientDisconnect:
                return Response(status_code=499)
            except Exception as exc:  # rendered; logged when unexpected
                return error_response(errors.from_exception(exc, listing=listing))

        return wrapped

    return decorate


def refuse_other_databases(request: Request) -> None:
    """postgres-meta lets a caller name the database with `x-connection-encrypted` (a connection string
    encrypted with a key the server shares). Here meta serves only its own project's database: taking
    a connection string from the request would let whoever holds the service key make this server
    connect anywhere its network reaches. Refused, never silently ignored (answering for another
    database than the one asked for would mislead)."""
    if "x-connection-encrypted" in request.headers:
        raise errors.bad_request("x-connection-encrypted is not supported: this server manages only its own "
                                 "database")


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        raise errors.invalid("", "must be object")
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise errors.bad_request("Body is not valid JSON") from None
    if not isinstance(value, dict):
        raise errors.invalid("", "must be object")
    return value


def flag(request: Request, name: str, default: bool = False) -> bool:
    value = request.query_params.get(name)
    if value is None:
        return default
    if value.lower() not in BOOLEANS:
        raise errors.invalid(name, "must be boolean", "querystring")
    return BOOLEANS[value.lower()]


def integer(request: Request, name: str) -> int | None:
    """A non-negative integer parameter; 0 means "not given", as postgres-meta treats limit=0."""
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except ValueError:
        raise errors.invalid(name, "must be integer", "querystring") from None
    if number < 0:
        raise errors.invalid(name, "must be >= 0", "querystring")
    return number or None


def name_list(request: Request, name: str) -> tuple[str, ...] | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    return tuple(part for part in value.split(","))


def numeric_id(request: Request, name: str = "id") -> int:
    """Path ids are digits only (the route table matches them); out-of-range ids find nothing."""
    return int(request.path_params[name])
