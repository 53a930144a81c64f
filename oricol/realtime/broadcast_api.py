"""`POST /realtime/v1/api/broadcast` (supabase-py, realtime-js's REST fallback) and
`POST /realtime/v1/api/broadcast/{topic}/events/{event}` (realtime-js `httpSend`): broadcasts sent by
servers without a socket.

Public channels take messages from any API key holder; a private channel's messages need the
service_role or a caller whose RLS policies on `realtime.messages` allow the insert.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote

import orjson

from oricol.db import Caller
from oricol.errors import request_header
from oricol.identity import identity_of

from . import errors
from .authorize import private_channel_permissions
from .channel import TOPIC_PREFIX

if TYPE_CHECKING:
    from .context import Realtime

MAX_MESSAGES = 1000


async def broadcast_batch(realtime: "Realtime", scope: dict, body: bytes) -> None:
    caller = _caller(scope)
    data = _json(body)
    messages = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(messages, list) or not messages:
        raise errors.invalid_request("body must be {\"messages\": [{topic, event, payload}, ...]}")
    if len(messages) > MAX_MESSAGES:
        raise errors.invalid_request(f"at most {MAX_MESSAGES} messages per request")
    checked = [_message(item) for item in messages]
    for topic, _event, _payload, private in checked:
        await _authorise(realtime, caller, topic, private)
    for topic, event, payload, _private in checked:
        realtime.node.broadcast(TOPIC_PREFIX + topic, {"type": "broadcast", "event": event, "payload": payload})


async def broadcast_one(realtime: "Realtime", scope: dict, body: bytes, topic: str, event: str) -> None:
    caller = _caller(scope)
    content_type = request_header(scope, b"content-type") or ""
    private = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("private", ["false"])[0] == "true"
    topic, event = unquote(topic), unquote(event)
    payload: Any = bytes(body) if content_type.startswith("application/octet-stream") else _json(body)
    await _authorise(realtime, caller, topic, private)
    realtime.node.broadcast(TOPIC_PREFIX + topic, {"type": "broadcast", "event": event, "payload": payload})


def _caller(scope: dict) -> Caller:
    try:
        return identity_of(scope).require_caller()
    except Exception as error:
        raise errors.invalid_jwt(str(error) or "invalid token") from None


def _json(body: bytes) -> Any:
    try:
        return orjson.loads(body or b"null")
    except orjson.JSONDecodeError:
        raise errors.invalid_json() from None


def _message(item: Any) -> tuple[str, str, Any, bool]:
    if not isinstance(item, dict):
        raise errors.invalid_request("each message must be an object")
    topic, event = item.get("topic"), item.get("event")
    if not isinstance(topic, str) or not topic or not isinstance(event, str) or not event:
        raise errors.invalid_request("each message needs a topic and an event (strings)")
    if topic.startswith(TOPIC_PREFIX):
        topic = topic[len(TOPIC_PREFIX):]
    return topic, event, item.get("payload", {}), bool(item.get("private", False))


async def _authorise(realtime: "Realtime", caller: Caller, topic: str, private: bool) -> None:
    if not private or caller.role == "service_role":
        return
    permissions = await private_channel_permissions(realtime.db.admin, caller, topic)
    if not permissions.write:
        raise errors.unauthorized(topic)
