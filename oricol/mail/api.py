"""The JSON API, shaped like Inbucket's v1 (`/api/v1/mailbox/...`), and the catcher's error shape.

Mailbox names in paths go through the same naming rule as recipients, so `/api/v1/mailbox/Jane+x@y.org`
reads the mailbox `jane`, as in Inbucket.
"""
from __future__ import annotations

import asyncio
import datetime
import logging
from typing import Any
from urllib.parse import quote

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from oricol.errors import ApiError

from .naming import BadAddress, mailbox_for
from .parse import Attachment, attachment_at, detail
from .store import MailStore, Meta

log = logging.getLogger("oricol.mail")


def json_response(body: object, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def error_body(error: ApiError) -> dict[str, str]:
    return {"error": error.code, "message": error.message}


async def render_api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return json_response(error_body(error), error.status)


async def render_http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "bad_request")
    return json_response(error_body(ApiError(error.status_code, code, str(error.detail))), error.status_code)


async def render_crash(request: Request, error: Exception) -> Response:
    log.exception("mail catcher: request failed", exc_info=error)
    return json_response(error_body(ApiError(500, "internal_error", "The request could not be completed")), 500)


def store_of(request: Request) -> MailStore:
    store: MailStore = request.app.state.store
    return store


def mailbox_of(request: Request) -> str:
    try:
        return mailbox_for(request.path_params["name"])
    except BadAddress as error:
        raise ApiError(400, "bad_mailbox", f"Invalid mailbox name: {error}") from None


def not_found() -> ApiError:
    return ApiError(404, "not_found", "Message not found")


def header_json(meta: Meta) -> dict[str, Any]:
    received = datetime.datetime.fromtimestamp(meta.date, datetime.timezone.utc)
    return {"mailbox": meta.mailbox, "id": meta.id, "from": meta.sender, "to": meta.to,
            "subject": meta.subject, "date": received.isoformat(), "posix-millis": int(meta.date * 1000),
            "size": meta.size, "seen": meta.seen}


def attachment_link(request: Request, meta: Meta, index: int, attachment: Attachment) -> str:
    base = str(request.base_url).rstrip("/")
    return (f"{base}/serve/mailbox/{quote(meta.mailbox, safe='')}/{meta.id}/attach/{index}/"
            f"{quote(attachment.filename, safe='')}")


async def list_messages(request: Request) -> Response:
    metas = await asyncio.to_thread(store_of(request).list, mailbox_of(request))
    return json_response([header_json(meta) for meta in metas])


async def show_message(request: Request) -> Response:
    found = await asyncio.to_thread(store_of(request).source, mailbox_of(request), request.path_params["id"])
    if found is None:
        raise not_found()
    meta, raw = found
    parsed = await asyncio.to_thread(detail, raw)
    attachments = [{"filename": a.filename, "content-type": a.content_type,
                    "download-link": attachment_link(request, meta, i, a),
                    "view-link": attachment_link(request, meta, i, a), "md5": a.md5}
                   for i, a in enumerate(parsed.attachments)]
    return json_response({**header_json(meta), "body": {"text": parsed.text, "html": parsed.html},
                          "header": parsed.header, "attachments": attachments})


async def message_source(request: Request) -> Response:
    found = await asyncio.to_thread(store_of(request).source, mailbox_of(request), request.path_params["id"])
    if found is None:
        raise not_found()
    return Response(found[1], media_type="text/plain", headers={"x-content-type-options": "nosniff"})


async def small_body(request: Request, limit: int = 64 * 1024) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "payload_too_large", f"The body must be at most {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def mark_seen(request: Request) -> Response:
    mailbox = mailbox_of(request)
    raw = await small_body(request)
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ApiError(400, "bad_json", "The body must be a JSON object such as {\"seen\": true}") from None
    if not isinstance(body, dict) or not isinstance(body.get("seen", False), bool):
        raise ApiError(400, "bad_json", "The body must be a JSON object such as {\"seen\": true}")
    store = store_of(request)
    message_id = request.path_params["id"]
    if body.get("seen"):
        changed = await asyncio.to_thread(store.mark_seen, mailbox, message_id)
    else:  # Inbucket ignores seen=false; the message must still exist
        changed = await asyncio.to_thread(store.get, mailbox, message_id) is not None
    if not changed:
        raise not_found()
    return json_response("OK")


async def delete_message(request: Request) -> Response:
    if not await asyncio.to_thread(store_of(request).delete, mailbox_of(request), request.path_params["id"]):
        raise not_found()
    return json_response("OK")


async def purge_mailbox(request: Request) -> Response:
    await asyncio.to_thread(store_of(request).purge, mailbox_of(request))
    return json_response("OK")


async def serve_attachment(request: Request) -> Response:
    """An attachment's bytes, always as a download: caught mail is untrusted content."""
    found = await asyncio.to_thread(store_of(request).source, mailbox_of(request), request.path_params["id"])
    index = request.path_params["index"]
    attachment = await asyncio.to_thread(attachment_at, found[1], index) if found else None
    if attachment is None:
        raise ApiError(404, "not_found", "Attachment not found")
    filename = quote(attachment.filename, safe="")
    return Response(attachment.content, media_type="application/octet-stream", headers={
        "content-disposition": f"attachment; filename*=UTF-8''{filename}",
        "x-content-type-options": "nosniff",
        "content-security-policy": "sandbox; default-src 'none'",
    })
