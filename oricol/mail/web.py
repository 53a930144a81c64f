"""The catcher's HTTP app over its route table (routes.py): the JSON API and the web UI."""
from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException

from oricol.errors import ApiError

from . import api
from .routes import ROUTES
from .store import MailStore


def build_app(store: MailStore, smtp_port: int) -> Starlette:
    app = Starlette(routes=ROUTES, exception_handlers={
        ApiError: api.render_api_error,
        HTTPException: api.render_http_error,
        Exception: api.render_crash,
    })
    app.state.store = store
    app.state.smtp_port = smtp_port
    return app
