"""The meta service's error catalogue and its one wire shape, postgres-meta's `{"error": "..."}`.

postgres-meta answers 404 for a missing object, 400 for a write PostgreSQL refused or bad input, 500 for
a listing that failed. A failed `/query` carries PostgreSQL's fields beside `error`; that body is built
in query.py and travels here as a `QueryFailed`, the one error whose body is given whole.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import orjson

from oricol.db import unavailable
from oricol.errors import RETRY_AFTER_UNAVAILABLE, ApiError, ErrorResponse, json_error

log = logging.getLogger("oricol.meta")


def not_found(message: str = "Not found") -> ApiError:
    return ApiError(404, "not_found", message)


def bad_request(message: str) -> ApiError:
    return ApiError(400, "bad_request", message)


def invalid(field: str, rule: str, where: str = "body") -> ApiError:
    """Input that fails validation, worded as postgres-meta's schema validator words it."""
    return bad_request(f"{where}/{field} {rule}" if field else f"{where} {rule}")


def database(error: asyncpg.PostgresError, status: int = 400) -> ApiError:
    return ApiError(status, getattr(error, "sqlstate", None) or "database", _message(error))


def database_unavailable() -> ApiError:
    return ApiError(503, "unavailable", "The database is unavailable, retry shortly",
                    headers={"Retry-After": RETRY_AFTER_UNAVAILABLE})


def rate_limited(retry_after: int) -> ApiError:
    return ApiError(429, "rate_limited", "Too many requests, retry later", headers={"Retry-After": str(retry_after)})


@dataclass
class QueryFailed(ApiError):
    """A failed /query: postgres-meta answers node-postgres' error object (`error`, PostgreSQL's
    fields, `formattedError`, ...) as the whole body, so the body travels as it will be sent."""

    wire_body: dict[str, Any] = field(default_factory=dict)


def query_failed(status: int, body: dict[str, Any]) -> QueryFailed:
    return QueryFailed(status, "query", str(body.get("error", "")), wire_body=body)


def from_exception(error: Exception, *, listing: bool = False) -> ApiError:
    if isinstance(error, ApiError):
        return error
    if isinstance(error, asyncpg.PostgresError):
        return database(error, 500 if listing else 400)
    if unavailable(error):
        return database_unavailable()
    log.exception("meta request failed", exc_info=error)
    return ApiError(500, "internal", "Internal server error")


def body(error: ApiError) -> dict[str, Any]:
    return error.wire_body if isinstance(error, QueryFailed) else {"error": error.message}


def render(error: ApiError) -> tuple[int, bytes]:
    return error.status, orjson.dumps(body(error))


class MetaFormat:
    """postgres-meta's wire format as the gateway asks for it (oricol.errors.ErrorFormat)."""

    def rate_limited(self, retry_after: int) -> ApiError:
        return rate_limited(retry_after)

    def unavailable(self) -> ApiError:
        return database_unavailable()

    def render(self, error: ApiError, scope: object) -> ErrorResponse:
        return json_error(error.status, body(error), error.headers)


FORMAT = MetaFormat()


def _message(error: asyncpg.PostgresError) -> str:
    return getattr(error, "message", None) or str(error)
