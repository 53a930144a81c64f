"""The catcher's HTTP app: the route table of the JSON API and the web UI, in one place."""
from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.routing import Route

from oricol.errors import ApiError

from . import api, ui
from .store import MailStore

ROUTES = [
    Route("/", ui.index, methods=["GET"]),
    Route("/m", ui.open_mailbox, methods=["GET"]),
    Route("/m/{name}", ui.mailbox, methods=["GET"]),
    Route("/m/{name}/{id}", ui.message, methods=["GET"]),
    Route("/m/{name}/{id}/html", ui.message_html, methods=["GET"]),
    Route("/api/v1/mailbox/{name}", api.list_messages, methods=["GET"]),
    Route("/api/v1/mailbox/{name}", api.purge_mailbox, methods=["DELETE"]),
    Route("/api/v1/mailbox/{name}/{id}", api.show_message, methods=["GET"]),
    Route("/api/v1/mailbox/{name}/{id}", api.mark_seen, methods=["PATCH"]),
    Route("/api/v1/mailbox/{name}/{id}", api.delete_message, methods=["DELETE"]),
    Route("/api/v1/mailbox/{name}/{id}/source", api.message_source, methods=["GET"]),
    Route("/serve/mailbox/{name}/{id}/attach/{index:int}/{filename}", api.serve_attachment, methods=["GET"]),
]


def build_app(store: MailStore, smtp_port: int) -> Starlette:
    app = Starlette(routes=ROUTES, exception_handlers={
        ApiError: api.render_api_error,
        HTTPException: api.render_http_error,
        Exception: api.render_crash,
    })
    app.state.store = store
    app.state.smtp_port = smtp_port
    return app
