"""postgres-meta-compatible service at /pg (what Supabase Studio and tooling call).

`create` builds the Starlette app over the route table (routes.py); handlers reach the service's own
connections (connection.MetaDb) on the app state. Health is "up" only when a catalogue query runs.
"""
from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from oricol.service import Platform, Service
from oricol.sql import render

from . import errors, sqlfiles
from .connection import MetaDb
from .http import error_response
from .listing import single
from .routes import ROUTES


async def _http_exception(request: Request, exc: Exception) -> Response:
    # postgres-meta (fastify) answers an unknown path or method alike: 404 {"error": "Not found"}.
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status in (404, 405):
        return error_response(errors.not_found())
    return error_response(errors.from_exception(exc))


def build_app(db: MetaDb) -> Starlette:
    app = Starlette(routes=ROUTES, exception_handlers={HTTPException: _http_exception})
    app.state.db = db
    return app


def create(platform: Platform) -> Service:
    db = MetaDb(platform.db.admin_url, platform.config.meta)

    async def health() -> str:
        # The catalogue query runs on the platform's admin pool (the same database and login as meta's own):
        # a probe every few seconds would otherwise keep one of meta's connections open on an idle stack.
        if db.pool is None:
            return "down: not started"
        text, args = render(single(sqlfiles.query("version"), where=[]))
        found = await platform.db.admin.fetchval(text, *args)
        return "up" if found else "down: no answer from the catalogue"

    return Service(name="meta", app=build_app(db), start=db.open, stop=db.close, health=health, errors=errors.FORMAT,
                   extras={"db": db})
