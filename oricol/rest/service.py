"""PostgREST v12-compatible API at /rest/v1: the ASGI app over the route table (routes.py) and the schema cache.

Per request: parse (request.py, query_params.py) -> plan -> SQL (query.py, mutation.py) ->
execute -> respond. Every failure is an `ApiError` rendered by `errors.render`; anything
unexpected is logged and answered as a PostgREST-shaped 500 without a trace.
"""
from __future__ import annotations

import logging
from typing import Callable

from oricol.db import unavailable
from oricol.errors import ApiError
from oricol.identity import identity_of
from oricol.jwt import JwtError
from oricol.service import Platform, Service

from . import errors
from . import request as request_module
from .context import Context
from .reload import SchemaCacheHolder
from .response import Response
from .routes import ROUTES
from .shapes import ShapeCache

log = logging.getLogger("oricol.rest")
CACHE_MISSES = (errors.NO_RELATIONSHIP, errors.NO_FUNCTION, errors.NO_TABLE, "42703")


class RestApp:
    def __init__(self, platform: Platform, holder: SchemaCacheHolder):
        self.platform = platform
        self.config = platform.config.rest
        self.holder = holder
        self.shapes = ShapeCache()

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return
        try:
            response = await self.handle(scope, receive)
        except ApiError as err:
            status, body, headers = errors.render(err)
            await _send(send, status, body, headers)
            return
        except Exception as exc:
            if unavailable(exc):
                raise  # the gateway answers 503 with Retry-After in our shape
            log.exception("rest request failed", extra={"path": scope.get("path")})
            status, body, headers = errors.render(errors.error(500, errors.INTERNAL, "An unexpected error occurred"))
            await _send(send, status, body, headers)
            return
        headers = [(k.lower().encode("latin-1"), v.encode("latin-1", "replace")) for k, v in response.headers]
        if len(self.config.schemas) > 1 and response.schema:
            headers.append((b"content-profile", response.schema.encode()))
        if response.content_type:
            headers.append((b"content-type", response.content_type.encode()))
        await _send(send, response.status, response.body, headers)

    async def handle(self, scope: dict, receive: Callable) -> Response:
        body = await _read_body(receive)
        req = request_module.parse(scope, body, self.config.schemas)
        try:
            caller = identity_of(scope).require_caller()
        except JwtError as exc:
            raise errors.from_jwt(exc) from None
        handler = ROUTES.get((req.kind, req.method))
        if handler is None:
            if req.method == "OPTIONS":
                return Response(200, content_type=None).header("Allow", "OPTIONS,GET,HEAD,POST,PUT,PATCH,DELETE")
            code = errors.RPC_METHOD if req.kind == "rpc" else errors.UNSUPPORTED_METHOD
            message = ("Cannot use the " + req.method + " method on RPC") if req.kind == "rpc" else \
                f"Unsupported HTTP method: {req.method}"
            raise errors.error(405, code, message)
        cache = await self.holder.current()
        try:
            return _with_schema(await handler(Context(req, caller, cache, self.config, self.platform.db, self.shapes)),
                                req)
        except ApiError as err:
            # A name the cache does not know may be younger than the cache: the DDL notification can
            # arrive after the client's next request. Reload or wait for it (`refresh_if_older`) and retry once.
            if err.code not in CACHE_MISSES or not await self.holder.refresh_if_older(1.0):
                raise
        req = request_module.parse(scope, body, self.config.schemas)
        return _with_schema(await handler(Context(req, caller, await self.holder.current(), self.config,
                                                  self.platform.db, self.shapes)), req)


def _with_schema(response: Response, req) -> Response:
    response.schema = req.schema
    return response


async def _read_body(receive: Callable) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.request":
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                return b"".join(chunks)
        elif message["type"] == "http.disconnect":
            return b"".join(chunks)


async def _send(send: Callable, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    headers = headers + [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create(platform: Platform) -> Service:
    holder = SchemaCacheHolder(platform.db, platform.config.rest.schemas)
    app = RestApp(platform, holder)

    async def health() -> str:
        return "up" if holder.loaded else "schema cache not loaded"

    return Service(name="rest", app=app, start=holder.start, stop=holder.stop, health=health, errors=errors.FORMAT,
                   extras={"schema_cache": holder})
