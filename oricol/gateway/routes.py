"""The route table of the gateway: which prefix goes to which service, and what needs no key.

As the seed's Kong config: everything needs an `apikey` except GoTrue's browser-facing redirects,
public storage objects, signed URLs and health. `/pg` (postgres-meta) needs the service_role key.
"""
from __future__ import annotations

import re

SERVICE_PREFIXES = (
    ("/auth/v1", "auth"),
    ("/rest/v1", "rest"),
    ("/realtime/v1", "realtime"),
    ("/storage/v1", "storage"),
    ("/pg", "meta"),
    ("/studio", "studio"),
)

OPEN_ROUTES = re.compile(
    r"^(?:/health"
    r"|/auth/v1/(?:verify|callback|authorize|health|\.well-known/jwks\.json)"
    # The OAuth 2.1 server's endpoints for third-party clients, which hold no API key of ours.
    r"|/auth/v1/oauth/(?:authorize|token|userinfo|clients/register)"
    r"|/auth/v1/\.well-known/(?:oauth-authorization-server|openid-configuration)"
    r"|/storage/v1/(?:object|render/image)/public/.*"
    r"|/storage/v1/(?:object|render/image)/sign/.*"
    r"|/storage/v1/object/upload/sign/.*"
    r"|/storage/v1/(?:status|health)"
    r"|/studio(?:/.*)?"
    r")$"
)

SERVICE_ROLE_ONLY = ("meta",)

# The Studio console's data calls: a live console session (cookie, plus CSRF on writes) is mapped to the
# service_role identity for these paths only, so the service key itself never reaches the browser.
CONSOLE_ROUTES = (
    ("/studio/api/pg", "meta", "/pg"),
    ("/studio/api/rest/v1", "rest", "/rest/v1"),
    ("/studio/api/auth/v1", "auth", "/auth/v1"),
    ("/studio/api/storage/v1", "storage", "/storage/v1"),
)

# First path segments that belong to an API: an unknown path under them is a JSON 404, never the web app.
API_SEGMENTS = frozenset({"auth", "rest", "realtime", "storage", "pg", "studio", "functions", "graphql",
                          "metrics", "health", "analytics", "pgmeta"})
WEB_APP = "webapp"

# Storage enforces its own (per bucket) size limits while streaming, so the gateway's body limit
# does not apply there.
UNLIMITED_BODY = ("storage",)


def service_for(path: str) -> tuple[str | None, str]:
    """The service a path belongs to, and its prefix."""
    for prefix, service in SERVICE_PREFIXES:
        if path == prefix or path.startswith(prefix + "/"):
            return service, prefix
    return None, ""


def console_target(path: str) -> tuple[str, str, str] | None:
    """For a console route: (service, its prefix, the path the service sees), else None."""
    for console, service, prefix in CONSOLE_ROUTES:
        if path == console or path.startswith(console + "/"):
            return service, prefix, prefix + path[len(console):]
    return None


# RFC 8414 puts an issuer's metadata at the root with the issuer's path appended; Supabase's Kong maps
# these to GoTrue. Auth's issuer is <public URL>/auth/v1, so MCP and other OAuth clients look here.
DISCOVERY_ALIASES = {
    "/.well-known/oauth-authorization-server": "/auth/v1/.well-known/oauth-authorization-server",
    "/.well-known/oauth-authorization-server/auth/v1": "/auth/v1/.well-known/oauth-authorization-server",
}


def discovery_alias(path: str) -> str | None:
    """The auth path a root discovery address stands for, else None."""
    return DISCOVERY_ALIASES.get(path)


def web_app_path(path: str) -> bool:
    """A path the browser app answers (its pages, assets and /config.json): any outside the APIs."""
    return path.lstrip("/").split("/", 1)[0] not in API_SEGMENTS


def is_open(path: str) -> bool:
    return OPEN_ROUTES.match(path) is not None

# The first path segment of each service that is worth its own metrics label (bounded cardinality).
ROUTE_GROUPS = {
    "auth": frozenset({"token", "signup", "user", "logout", "verify", "recover", "otp", "magiclink", "admin",
                       "factors", "settings", "health", "invite", "authorize", "callback", "reauthenticate",
                       "resend", ".well-known", "oauth"}),
    "storage": frozenset({"bucket", "object", "render", "upload", "status", "health"}),
    "realtime": frozenset({"websocket", "api"}),
    "meta": frozenset({"tables", "columns", "schemas", "policies", "roles", "functions", "extensions", "query",
                       "triggers", "views", "types", "publications", "config", "indexes"}),
}


def route_group(service: str | None, path: str, prefix: str) -> str:
    if service is None:
        return "gateway"
    first = path[len(prefix):].lstrip("/").split("/", 1)[0]
    if service == "rest":
        return "rpc" if first == "rpc" else ("table" if first else "root")
    return first if first in ROUTE_GROUPS.get(service, ()) else "other"

