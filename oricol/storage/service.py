"""Storage API v1-compatible service at /storage/v1 (what storage-js and storage3 call).

`create` builds the Starlette app over the route table (routes.py); the handlers find their parts
(settings, pool, byte backend) in one `Context` on the app state.
"""
from __future__ import annotations

import asyncio
from urllib.parse import unquote_to_bytes

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from oricol.objectstore import make_backend
from oricol.service import Platform, Service

from . import errors, tus
from .context import Context
from .http import error_response
from .routes import ROUTES


async def _http_exception(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 405:
        return error_response(errors.method_not_allowed())
    return error_response(errors.not_found("Route not found") if status == 404 else errors.internal())


async def _server_error(request: Request, exc: Exception) -> Response:
    return error_response(errors.from_exception(exc))


def build_app(context: Context) -> _StrictUtf8Paths:
    app = Starlette(routes=ROUTES, exception_handlers={HTTPException: _http_exception, 500: _server_error})
    app.state.context = context
    return _StrictUtf8Paths(app)


class _StrictUtf8Paths:
    """Refuses a path whose percent-escapes are not UTF-8. The server decodes them with replacement, so
    `a%FF` and `a%FE` both became the key `a\ufffd`: two names for one object. The raw path is checked
    before routing, in Storage's error shape."""

    def __init__(self, app: Starlette):
        self.app = app
        self.state = app.state

    async def __call__(self, scope: dict, receive, send) -> None:
        raw_path = scope.get("raw_path")
        if scope["type"] == "http" and raw_path and b"%" in raw_path:
            try:
                unquote_to_bytes(raw_path).decode("utf-8")
            except UnicodeDecodeError:
                response = error_response(errors.invalid_key(scope["path"].rpartition("/")[2]))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create(platform: Platform) -> Service:
    config = platform.config.storage
    backend = make_backend(config)
    context = Context(config=config, pool=platform.db.app, backend=backend,
                      jwt_secret=platform.config.core.jwt_secret)
    app = build_app(context)

    async def start() -> None:
        await backend.start()
        context.extras["sweeper"] = asyncio.create_task(tus.sweeper(context))

    async def stop() -> None:
        sweeper = context.extras.pop("sweeper", None)
        if sweeper is not None:
            sweeper.cancel()
        for closer in context.extras.pop("closers", []):
            await closer()

    async def health() -> str:
        return await backend.health()

    return Service(name="storage", app=app, start=start, stop=stop, health=health, errors=errors.FORMAT,
                   extras={"context": context})
