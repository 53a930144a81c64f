"""`/status`: open (no key), as Storage's health route."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from .context import context_of
from .http import json_response


async def status(request: Request) -> Response:
    backend = await context_of(request).backend.health()
    return json_response({"status": "ok" if backend == "up" else backend}, 200 if backend == "up" else 503)
