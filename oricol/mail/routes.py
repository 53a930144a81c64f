"""The route table of the mail catcher's HTTP app, in one place: the web UI and the JSON API."""
from __future__ import annotations

from starlette.routing import Route

from . import api, ui

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
