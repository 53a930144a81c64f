"""/pg/generators/typescript: the database's TypeScript types, as `supabase gen types typescript` asks
postgres-meta for them. The answer is the bare source as text/plain, as postgres-meta's route returns a
string (Studio wraps it as `{"types": ...}` itself); a failure is a 500 `{"error": ...}`."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from .. import http
from . import typescript
from .metadata import read_metadata, schema_filter


@http.endpoint(listing=True)
async def typescript_types(request: Request) -> Response:
    schemas = schema_filter(http.name_list(request, "included_schemas") or (),
                            http.name_list(request, "excluded_schemas") or ())
    # Upstream reads the flag as "exactly the string true"; anything else is off.
    one_to_one = request.query_params.get("detect_one_to_one_relationships") == "true"
    meta = await read_metadata(request.app.state.db, schemas)
    source = typescript.generate(meta, one_to_one=one_to_one,
                                 postgrest_version=request.query_params.get("postgrest_version"))
    return Response(source, media_type="text/plain; charset=utf-8")
