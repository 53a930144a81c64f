"""The route table of the Studio console's API, in one place (paths relative to /studio). Built by
`routes()` from the session and operations APIs, whose handlers hold the service's parts; every other
path under /studio is the console's single-page app (service.py)."""
from __future__ import annotations

from starlette.routing import Route

from .api_ops import OpsApi
from .api_session import SessionApi


def routes(sessions: SessionApi, ops: OpsApi) -> list[Route]:
    return [
        Route("/api/login", sessions.login, methods=["POST"]),
        Route("/api/logout", sessions.logout, methods=["POST"]),
        Route("/api/session", sessions.session, methods=["GET"]),
        Route("/api/settings", ops.settings, methods=["GET"]),
        Route("/api/logs", ops.logs, methods=["GET"]),
        Route("/api/ops/health", ops.health, methods=["GET"]),
        Route("/api/ops/metrics", ops.metrics, methods=["GET"]),
        Route("/api/ops/backups", ops.backups, methods=["GET"]),
        Route("/api/ops/backups", ops.run_backup, methods=["POST"]),
        Route("/api/ops/backups/{name}/download", ops.download, methods=["GET"]),
    ]
