"""CORS as the seed's Kong answers it: any origin, every header the Supabase clients send."""
from __future__ import annotations

ALLOW_HEADERS = (
    "apikey, authorization, x-client-info, content-type, content-profile, accept-profile, prefer, range, "
    "range-unit, x-upsert, x-supabase-api-version, x-region, cache-control, if-none-match, if-match, "
    "if-modified-since, accept, accept-encoding, accept-language, content-length, content-encoding, "
    "content-disposition, x-request-id, x-requested-with, x-retry-count, upload-length, upload-offset, "
    "upload-metadata, upload-defer-length, upload-concat, tus-resumable, x-http-method-override, "
    "x-source, x-supabase-client-platform, x-supabase-client-platform-version, x-supabase-client-runtime, "
    "x-supabase-client-runtime-version, baggage, sentry-trace"
)
ALLOW_METHODS = "GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS"
EXPOSE_HEADERS = (
    "Content-Range, Content-Length, Content-Type, Content-Profile, Content-Location, Content-Disposition, "
    "Preference-Applied, Range-Unit, Location, ETag, Last-Modified, Cache-Control, X-Request-Id, "
    "X-Total-Count, Link, X-Supabase-Api-Version, Retry-After, Upload-Offset, Upload-Length, "
    "Upload-Expires, Tus-Resumable, Tus-Version, Tus-Max-Size, Tus-Extension, sb-gateway-version"
)
MAX_AGE = "3600"


def preflight_headers(origin: str, requested_headers: str | None) -> list[tuple[bytes, bytes]]:
    allow = ALLOW_HEADERS
    if requested_headers:
        # Unknown custom headers from apps are allowed as Kong's `headers` default does.
        allow = requested_headers
    return [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-allow-methods", ALLOW_METHODS.encode()),
        (b"access-control-allow-headers", allow.encode("latin-1")),
        (b"access-control-max-age", MAX_AGE.encode()),
        (b"access-control-allow-credentials", b"true"),
        (b"vary", b"Origin"),
    ]


def response_headers(origin: str) -> list[tuple[bytes, bytes]]:
    return [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-allow-credentials", b"true"),
        (b"access-control-expose-headers", EXPOSE_HEADERS.encode()),
        (b"vary", b"Origin"),
    ]
