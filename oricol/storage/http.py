"""Small HTTP helpers: JSON answers, the error wrapper every handler goes through, body readers."""
from __future__ import annotations

import functools
from typing import Any, Awaitable, Callable

import orjson
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from oricol.errors import ApiError

from . import errors

Handler = Callable[[Request], Awaitable[Response]]


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(data), status_code=status, headers=headers, media_type="application/json")


def raw_json(payload: bytes | str, status: int = 200) -> Response:
    """JSON PostgreSQL already built, passed through without decoding."""
    return Response(payload, status_code=status, media_type="application/json")


def error_response(error: ApiError, *, own_status: bool = False) -> Response:
    status, payload = errors.render(error, own_status)
    return Response(payload, status_code=status, headers=error.headers or None, media_type="application/json")


def _wrap(handler: Handler, own_status: bool) -> Handler:
    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except ClientDisconnect:
            return Response(status_code=499)
        except Exception as exc:  # rendered, and logged when unexpected
            return error_response(errors.from_exception(exc), own_status=own_status)

    return wrapped


def endpoint(handler: Handler) -> Handler:
    """Every failure leaves in Storage's shape; nothing else (no stack trace) reaches the client."""
    return _wrap(handler, False)


def tus_endpoint(handler: Handler) -> Handler:
    """As `endpoint`, with each error's own HTTP status, which tus clients act on."""
    return _wrap(handler, True)


async def json_body(request: Request, limit: int = 1024 * 1024) -> dict:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise errors.entity_too_large()
    if not body.strip():
        return {}
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise errors.invalid_request("Body is not valid JSON") from None
    if not isinstance(value, dict):
        raise errors.invalid_request("Body must be a JSON object")
    return value


def is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def header_upsert(request: Request) -> bool:
    return is_true(request.headers.get("x-upsert", "false"))


def path_param(request: Request, name: str) -> str:
    return request.path_params[name]


def positive_int(value: Any, name: str, *, maximum: int | None = None) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise errors.invalid_parameter(name, f"{name} must be a positive integer") from None
    if number < 1 or (maximum is not None and number > maximum):
        raise errors.invalid_parameter(name, f"{name} must be between 1 and {maximum}" if maximum else
                                       f"{name} must be a positive integer")
    return number
