"""The read-only endpoints that are not a plain catalogue group: server version and settings, the
service's own root and health answers."""
from __future__ import annotations

import datetime

from starlette.requests import Request
from starlette.responses import Response

from . import http, sqlfiles
from .listing import Page, listing, single

SERVICE_NAME = "@supabase/postgres-meta"
# The postgres-meta release whose API this service answers (its routes, shapes and error bodies).
COMPATIBLE_VERSION = "0.91.0"


@http.endpoint(listing=True)
async def version(request: Request) -> Response:
    return http.raw_json(await request.app.state.db.read_json(single(sqlfiles.query("version"), where=[])))


@http.endpoint(listing=True)
async def settings(request: Request) -> Response:
    query = listing(sqlfiles.query("config"), where=[], order='"category", "name"', page=Page.from_request(request))
    return http.raw_json(await request.app.state.db.read_json(query))


async def root(request: Request) -> Response:
    return http.json_response({"status": 200, "name": SERVICE_NAME, "version": COMPATIBLE_VERSION,
                               "documentation": "https://github.com/supabase/postgres-meta"})


async def health(request: Request) -> Response:
    return http.json_response({"date": datetime.datetime.now(datetime.timezone.utc).isoformat()
                               .replace("+00:00", "Z")})
