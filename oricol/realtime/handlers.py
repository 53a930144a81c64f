"""What the server does with each client event: the event table of the realtime socket."""
from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from . import channel as channels
from . import replay
from .authorize import private_channel_permissions
from .channel import JoinError
from .frames import Message

log = logging.getLogger("oricol.realtime")

if TYPE_CHECKING:
    from .connection import Connection
    from .context import Realtime

Handler = Callable[["Realtime", "Connection", Message, "channels.Subscription"], Awaitable[None]]


async def handle(realtime: "Realtime", conn: "Connection", msg: Message) -> None:
    if msg.topic == "phoenix":
        if msg.event == "heartbeat":
            conn.reply(msg, "ok", {})
        return
    if msg.event == "phx_join":
        await join(realtime, conn, msg)
        return
    sub = conn.channels.get(msg.topic)
    if sub is None:
        conn.reply(msg, "error", {"reason": "unmatched topic"})
        return
    handler = CHANNEL_EVENTS.get(msg.event)
    if handler is not None:
        await handler(realtime, conn, msg, sub)


async def join(realtime: "Realtime", conn: "Connection", msg: Message) -> None:
    try:
        sub = await channels.join(realtime, conn, msg.topic, msg.join_ref or msg.ref, msg.payload)
    except JoinError as error:
        conn.reply(msg, "error", {"reason": str(error)})
        return
    previous = conn.channels.get(msg.topic)
    if previous is not None:
        conn.leave(previous)
        conn.push(msg.topic, "phx_close", {}, join_ref=previous.join_ref)
    conn.channels[msg.topic] = sub
    realtime.node.add(sub)
    conn.reply(msg, "ok", {"postgres_changes": [binding.reply() for binding in sub.bindings]})
    if sub.presence_enabled:
        conn.push(msg.topic, "presence_state", realtime.node.presence.state(msg.topic))
    if sub.replay is not None:
        messages = await replay.latest(realtime.db.admin, sub.name, sub.replay)
        sub.replayed = frozenset(m["meta"]["id"] for m in messages)
        for message in messages:
            conn.push(msg.topic, "broadcast", message)
    if sub.bindings:
        if sub.bindings_error is None:
            realtime.changes.add(sub)
        await realtime.changes.announce_when_ready(sub)
    else:
        try:
            await realtime.changes.ensure_reading()  # broadcasts from the database come through the slot
        except Exception:
            log.warning("realtime: could not create the replication slot", exc_info=True)


async def leave(realtime: "Realtime", conn: "Connection", msg: Message, sub: "channels.Subscription") -> None:
    conn.leave(sub)
    conn.reply(msg, "ok", {})


async def broadcast(realtime: "Realtime", conn: "Connection", msg: Message, sub: "channels.Subscription") -> None:
    payload = msg.payload if isinstance(msg.payload, dict) else {}
    event = payload.get("event")
    if not isinstance(event, str):
        if sub.broadcast_ack:
            conn.reply(msg, "error", {"reason": "a broadcast needs an event name"})
        return
    if sub.private and not sub.can_write:
        if sub.broadcast_ack:
            conn.reply(msg, "error", {"reason": "You do not have permissions to write to this Channel topic"})
        return
    message: dict[str, Any] = {"type": "broadcast", "event": event, "payload": payload.get("payload", {})}
    if isinstance(payload.get("meta"), dict):
        message["meta"] = payload["meta"]
    realtime.node.broadcast(sub.topic, message, sender=sub)
    if sub.broadcast_ack:
        conn.reply(msg, "ok", {})


async def presence(realtime: "Realtime", conn: "Connection", msg: Message, sub: "channels.Subscription") -> None:
    payload = msg.payload if isinstance(msg.payload, dict) else {}
    event = payload.get("event")
    if sub.private and not sub.can_write:
        conn.reply(msg, "error", {"reason": "You do not have permissions to track presence on this Channel topic"})
        return
    if event == "track":
        meta = payload.get("payload") or {}
        if not isinstance(meta, dict):
            conn.reply(msg, "error", {"reason": "presence payload must be an object"})
            return
        realtime.node.track(sub, meta)
    elif event == "untrack":
        realtime.node.untrack(sub)
    else:
        conn.reply(msg, "error", {"reason": f"unknown presence event {event!r}"})
        return
    conn.reply(msg, "ok", {})


async def access_token(realtime: "Realtime", conn: "Connection", msg: Message, sub: "channels.Subscription") -> None:
    token = msg.payload.get("access_token") if isinstance(msg.payload, dict) else None
    try:
        caller, expires = channels.caller_from_token(realtime, token, conn.caller)
        if expires is not None and expires <= time.time():
            raise JoinError("InvalidJWTToken: Token has expired")
    except JoinError as error:
        shut_down(conn, sub, str(error))
        return
    if sub.private:  # the new claims may no longer pass the channel's policies: ask them again
        permissions = await private_channel_permissions(realtime.db.admin, caller, sub.name)
        if not permissions.read:
            shut_down(conn, sub, f"Unauthorized: You do not have permissions to read from this Channel topic: "
                                 f"{sub.name}")
            return
        sub.can_write = permissions.write
    sub.caller, sub.expires_at = caller, expires


def shut_down(conn: "Connection", sub: "channels.Subscription", reason: str) -> None:
    """End a channel the server no longer allows: a system error, then phx_close."""
    conn.push(sub.topic, "system", {"status": "error", "extension": "system", "message": reason,
                                    "channel": sub.name})
    conn.leave(sub)
    conn.push(sub.topic, "phx_close", {}, join_ref=sub.join_ref)


CHANNEL_EVENTS: dict[str, Handler] = {
    "phx_leave": leave,
    "broadcast": broadcast,
    "presence": presence,
    "access_token": access_token,
}
