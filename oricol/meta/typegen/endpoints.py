"""/pg/generators/*: the database's types in TypeScript, Go, Swift and Python, as `supabase gen types
<lang>` asks postgres-meta for them. Each answer is the bare source as text/plain, as postgres-meta's
routes return a string (Studio wraps the TypeScript as `{"types": ...}` itself); a failure is a 500
`{"error": ...}`."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from .. import errors, http
from . import go, python, swift, typescript
from .metadata import Metadata, read_metadata, schema_filter


async def _metadata(request: Request) -> Metadata:
    schemas = schema_filter(http.name_list(request, "included_schemas") or (),
                            http.name_list(request, "excluded_schemas") or ())
    return await read_metadata(request.app.state.db, schemas)


def _source(text: str) -> Response:
    return Response(text, media_type="text/plain; charset=utf-8")


@http.endpoint(listing=True)
async def typescript_types(request: Request) -> Response:
    # Upstream reads the flag as "exactly the string true"; anything else is off.
    one_to_one = request.query_params.get("detect_one_to_one_relationships") == "true"
    return _source(typescript.generate(await _metadata(request), one_to_one=one_to_one,
                                       postgrest_version=request.query_params.get("postgrest_version")))


@http.endpoint(listing=True)
async def go_types(request: Request) -> Response:
    return _source(go.generate(await _metadata(request)))


@http.endpoint(listing=True)
async def python_types(request: Request) -> Response:
    return _source(python.generate(await _metadata(request)))


@http.endpoint(listing=True)
async def swift_types(request: Request) -> Response:
    access = request.query_params.get("access_control", "internal")
    if access not in swift.ACCESS_CONTROLS:
        # Checked, not spliced blindly: the value is written in front of every declaration.
        raise errors.invalid("access_control", "must be equal to one of the allowed values: "
                             + ", ".join(swift.ACCESS_CONTROLS), "querystring")
    return _source(swift.generate(await _metadata(request), access))
