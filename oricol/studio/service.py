"""The Studio console's server side at /studio/api: its own login (sessions in PostgreSQL, CSRF, failed
sign-ins rate limited), the logs/operations endpoints, and `authenticate` — the hook the composition
root hands to the gateway so that the console routes (/studio/api/pg, /rest/v1, /auth/v1, /storage/v1)
act as service_role only for a live session. Every other path under /studio is the console's single-page
app from the web bundle (web/studio -> oricol/webapp/dist/studio), index.html for its client routes."""
from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from oricol.db import unavailable
from oricol.errors import ApiError
from oricol.service import Platform, Service
from oricol.staticfiles import WEB_DIST, StaticSite

from . import errors
from .api_ops import OpsApi
from .api_session import SessionApi
from .errors import FORMAT
from .guard import Guard, json_response
from .hooks import OpsHooks
from .limits import FailedLogins
from .routes import routes
from .sessions import SessionStore


async def _http_exception(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 405:
        return json_response({"message": "Method not allowed"}, 405)
    if status == 404:
        return json_response({"message": "No such Studio endpoint"}, 404)
    return json_response({"message": "An unexpected error occurred"}, 500)


async def _server_error(request: Request, exc: Exception) -> Response:
    """What a handler raised, in Studio's shape: a fast 503 while PostgreSQL restarts, else a bare 500."""
    return errors.response(FORMAT.unavailable() if unavailable(exc)
                           else ApiError(500, "unexpected", "An unexpected error occurred"))


def build_app(sessions: SessionApi, ops: OpsApi) -> Starlette:
    return Starlette(routes=routes(sessions, ops),
                     exception_handlers={HTTPException: _http_exception, Exception: _server_error})


def create(platform: Platform, hooks: OpsHooks | None = None) -> Service:
    config = platform.config
    hooks = hooks or OpsHooks()
    store = SessionStore(platform.db.admin, config.studio.session_seconds)
    guard = Guard(store)
    limits = FailedLogins(config.studio.failed_logins, config.studio.failed_window_seconds, platform.redis)
    sessions = SessionApi(store, guard, limits, config.core.dashboard_username, config.core.dashboard_password,
                          always_secure=config.core.public_url.startswith("https://"))
    api = build_app(sessions, OpsApi(config, guard, hooks))
    site = StaticSite(root=WEB_DIST, index="studio/index.html")

    async def app(scope: dict, receive, send) -> None:
        path = scope["path"]
        if path == "/studio/api" or path.startswith("/studio/api/"):
            await api(scope, receive, send)
            return
        # Its pages are dist/studio/*; its hashed assets are the shared /assets/, served at /.
        await site(scope, receive, send)

    async def health() -> str:
        """Up when sign-in can work (its table answers). Whether the pages are built is a fact of the
        installation, not of the running server: `oricol status` prints it beside this."""
        if not await store.ready():
            return "down: the sessions table is missing (migrations not applied)"
        return "up"

    return Service(name="studio", app=app, health=health, errors=FORMAT, extras={
        "authenticate": guard.authenticate, "built": lambda: (WEB_DIST / "studio" / "index.html").is_file()})
