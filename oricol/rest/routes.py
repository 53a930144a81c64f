"""The route table of the REST service, in one place (paths relative to /rest/v1), as PostgREST's.

request.py reads a path as one of three kinds: `root` (the OpenAPI description at /), `table` (/<name>)
and `rpc` (/rpc/<function>); the kind and the method pick the handler. A pair not here is a 405.
"""
from __future__ import annotations

from typing import Awaitable, Callable

from . import openapi, rpc, tables
from .context import Context
from .response import Response

Handler = Callable[[Context], Awaitable[Response]]

ROUTES: dict[tuple[str, str], Handler] = {
    ("table", "GET"): tables.read, ("table", "HEAD"): tables.read,
    ("table", "POST"): tables.write, ("table", "PATCH"): tables.write,
    ("table", "PUT"): tables.write, ("table", "DELETE"): tables.write,
    ("rpc", "GET"): rpc.call, ("rpc", "HEAD"): rpc.call, ("rpc", "POST"): rpc.call,
    ("root", "GET"): openapi.describe, ("root", "HEAD"): openapi.describe,
}
