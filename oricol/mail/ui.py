"""The web UI: server-rendered pages listing mailboxes and messages and showing one message.

Everything taken from a message is escaped. A message's HTML is never put into our pages: it is
served from its own URL with a `sandbox` Content-Security-Policy (a unique origin, no scripts) and
shown in an iframe that is sandboxed as well.
"""
from __future__ import annotations

import asyncio
import datetime
import re
from html import escape
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from oricol.errors import ApiError

from .api import mailbox_of, not_found, store_of
from .naming import BadAddress, mailbox_for
from .parse import detail
from .store import Meta

PAGE_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; form-action 'self'; "
               "base-uri 'none'; frame-ancestors 'none'")
# What an email's HTML may do inside its frame: show images and styles, open links in a new tab.
FRAME_SANDBOX = "allow-popups allow-popups-to-escape-sandbox"
MESSAGE_POLICY = (f"sandbox {FRAME_SANDBOX}; default-src 'none'; img-src * data:; style-src * 'unsafe-inline'; "
                  "font-src * data:; frame-ancestors 'self'")

# A URL inside already-escaped text: it stops at whitespace and at an escaped quote.
ESCAPED_URL = re.compile(r"https?://(?:(?!&quot;|&#x27;|&lt;|&gt;)[^\s<>])+")

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1c1c1c; }
header { background: #1c1c1c; color: #fff; padding: .6rem 1rem; display: flex; gap: 1rem; align-items: center; }
header a { color: #3ecf8e; text-decoration: none; font-weight: 600; }
main { padding: 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e5e5e5; vertical-align: top; }
tr.unseen td { font-weight: 600; }
pre { white-space: pre-wrap; word-break: break-word; background: #f6f6f6; padding: .8rem; }
iframe { width: 100%; height: 60vh; border: 1px solid #ddd; }
.muted { color: #777; }
"""


def page(title: str, body: str, status: int = 200) -> HTMLResponse:
    document = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
                f"<meta name=referrer content=no-referrer><style>{STYLE}</style></head><body><header>"
                f"<a href=\"/\">Oricol mail</a><form action=\"/m\" method=get><input name=name "
                f"placeholder=\"mailbox\" aria-label=\"mailbox\"> <button>Open</button></form></header>"
                f"<main>{body}</main></body></html>")
    return HTMLResponse(document, status_code=status, headers={
        "content-security-policy": PAGE_POLICY, "x-content-type-options": "nosniff", "referrer-policy": "no-referrer"})


def mailbox_url(name: str) -> str:
    return f"/m/{quote(name, safe='')}"


def linked(text: str) -> str:
    """Escaped text with its web addresses made clickable (a confirmation link in a text-only mail)."""
    return ESCAPED_URL.sub(lambda m: f"<a href=\"{m.group(0)}\" target=_blank rel=\"noopener noreferrer\">"
                                     f"{m.group(0)}</a>", escape(text))


def received(meta: Meta) -> str:
    return datetime.datetime.fromtimestamp(meta.date, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


async def index(request: Request) -> Response:
    boxes = await asyncio.to_thread(store_of(request).mailboxes)
    rows = "".join(f"<tr><td><a href=\"{mailbox_url(name)}\">{escape(name)}</a></td><td>{total}</td>"
                   f"<td>{unseen}</td></tr>" for name, total, unseen in boxes)
    table = (f"<table><tr><th>Mailbox</th><th>Messages</th><th>Unseen</th></tr>{rows}</table>" if boxes
             else "<p class=muted>No mail yet. Send to any address at SMTP port "
                  f"{request.app.state.smtp_port}; the mailbox is the part before the @.</p>")
    return page("Mailboxes", f"<h1>Mailboxes</h1>{table}")


async def open_mailbox(request: Request) -> Response:
    try:
        name = mailbox_for(request.query_params.get("name", ""))
    except BadAddress as error:
        raise ApiError(400, "bad_mailbox", f"Invalid mailbox name: {error}") from None
    return RedirectResponse(mailbox_url(name), status_code=303)


async def mailbox(request: Request) -> Response:
    name = mailbox_of(request)
    metas = await asyncio.to_thread(store_of(request).list, name)
    rows = "".join(
        f"<tr class=\"{'seen' if m.seen else 'unseen'}\"><td><a href=\"{mailbox_url(name)}/{m.id}\">"
        f"{escape(m.subject) or '(no subject)'}</a></td><td>{escape(m.sender)}</td><td>{received(m)}</td>"
        f"<td>{m.size}</td></tr>" for m in reversed(metas))
    table = (f"<table><tr><th>Subject</th><th>From</th><th>Received</th><th>Bytes</th></tr>{rows}</table>"
             if metas else "<p class=muted>This mailbox is empty.</p>")
    return page(f"Mailbox {name}", f"<h1>Mailbox {escape(name)}</h1>{table}")


async def message(request: Request) -> Response:
    name, message_id = mailbox_of(request), request.path_params["id"]
    store = store_of(request)
    found = await asyncio.to_thread(store.source, name, message_id)
    if found is None:
        raise not_found()
    meta, raw = found
    await asyncio.to_thread(store.mark_seen, name, message_id)
    parsed = await asyncio.to_thread(detail, raw)
    base = f"{mailbox_url(name)}/{meta.id}"
    facts = "".join(f"<tr><th>{label}</th><td>{escape(value)}</td></tr>" for label, value in (
        ("From", meta.sender), ("To", ", ".join(meta.to)), ("Subject", meta.subject), ("Received", received(meta))))
    parts = [f"<h1>{escape(meta.subject) or '(no subject)'}</h1><table>{facts}</table>"]
    if parsed.html:
        parts.append(f"<h2>HTML</h2><iframe sandbox=\"{FRAME_SANDBOX}\" referrerpolicy=no-referrer "
                     f"src=\"{base}/html\" title=\"message HTML\"></iframe>")
    parts.append(f"<h2>Text</h2><pre>{linked(parsed.text) or '<span class=muted>(no text part)</span>'}</pre>")
    if parsed.attachments:
        links = "".join(
            f"<li><a href=\"/serve/mailbox/{quote(name, safe='')}/{meta.id}/attach/{i}/"
            f"{quote(a.filename, safe='')}\">{escape(a.filename)}</a> <span class=muted>"
            f"{escape(a.content_type)}, {len(a.content)} bytes</span></li>" for i, a in enumerate(parsed.attachments))
        parts.append(f"<h2>Attachments</h2><ul>{links}</ul>")
    parts.append(f"<p><a href=\"/api/v1/mailbox/{quote(name, safe='')}/{meta.id}/source\">Source</a> · "
                 f"<a href=\"{mailbox_url(name)}\">Back to {escape(name)}</a></p>")
    return page(meta.subject or "Message", "".join(parts))


async def message_html(request: Request) -> Response:
    """The message's own HTML, for the sandboxed frame only (see the module docstring)."""
    found = await asyncio.to_thread(store_of(request).source, mailbox_of(request), request.path_params["id"])
    if found is None:
        raise not_found()
    parsed = await asyncio.to_thread(detail, found[1])
    return HTMLResponse(parsed.html, headers={
        "content-security-policy": MESSAGE_POLICY, "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer"})
