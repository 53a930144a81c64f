"""Joining a channel: reading the client's `config`, who it acts as, and whether it may.

`Subscription` is one joined channel of one socket. The join reply lists the postgres_changes
bindings with their server ids in the client's order; any problem becomes `status: error` with a
reason, as Supabase Realtime answers.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from oricol.db import Caller
from oricol.jwt import JwtError

from . import replay
from .authorize import private_channel_permissions
from .filters import Binding, BindingError, parse_binding

if TYPE_CHECKING:
    from .connection import Connection
    from .context import Realtime

TOPIC_PREFIX = "realtime:"


class JoinError(Exception):
    """A join that is refused; the message is the reason the client sees."""


@dataclass(eq=False)
class Subscription:
    conn: "Connection"
    topic: str
    join_ref: str | None
    caller: Caller
    broadcast_self: bool = False
    broadcast_ack: bool = False
    presence_key: str = ""
    presence_enabled: bool = False
    private: bool = False
    can_write: bool = True
    bindings: tuple[Binding, ...] = ()
    bindings_error: str | None = None  # why changes cannot flow; told in a `system` message after the join
    expires_at: float | None = None
    tracked: bool = False
    replay: "replay.Replay | None" = None
    replayed: frozenset = frozenset()  # ids of the messages replayed at join: not delivered again live
    sid: str = field(default_factory=lambda: uuid.uuid4().hex)

    _group: tuple[str, str] | None = None
    _group_caller: Caller | None = None
    # the text of a postgres_changes push before its data, by the ids of the bindings matched (changes/feed.py)
    change_heads: dict[tuple[int, ...], str] | None = None

    @property
    def group(self) -> tuple[str, str]:
        """Subscribers with the same role and claims are authorised together; kept until the token changes."""
        if self._group_caller is not self.caller:
            self._group, self._group_caller = (self.caller.role, self.caller.claims_json), self.caller
        return self._group  # type: ignore[return-value]

    @property
    def name(self) -> str:
        return self.topic[len(TOPIC_PREFIX):] if self.topic.startswith(TOPIC_PREFIX) else self.topic


def caller_from_token(realtime: "Realtime", token: Any, fallback: Caller) -> tuple[Caller, float | None]:
    """The caller a channel acts as: its access token's, else the socket's API key's."""
    if token is None or token == "":
        exp = fallback.claims.get("exp")
        return fallback, float(exp) if isinstance(exp, (int, float)) else None
    if not isinstance(token, str):
        raise JoinError("access_token must be a string")
    try:
        claims = realtime.verifier.verify(token)
    except JwtError as error:
        raise JoinError(f"InvalidJWTToken: {error}") from None
    exp = claims.get("exp")
    caller = Caller(role=str(claims.get("role") or "anon"), claims=claims, token=token)
    return caller, float(exp) if isinstance(exp, (int, float)) else None


async def join(realtime: "Realtime", conn: "Connection", topic: str, join_ref: str | None,
               payload: Any) -> Subscription:
    if not topic.startswith(TOPIC_PREFIX) or len(topic) == len(TOPIC_PREFIX):
        raise JoinError("Invalid topic: channel topics are realtime:<name>")
    if not isinstance(payload, dict):
        raise JoinError("the join payload must be an object")
    config = payload.get("config") or {}
    if not isinstance(config, dict):
        raise JoinError("config must be an object")
    caller, expires = caller_from_token(realtime, payload.get("access_token"), conn.caller)
    if expires is not None and expires <= time.time():
        raise JoinError("InvalidJWTToken: Token has expired")
    broadcast = _object(config, "broadcast")
    presence = _object(config, "presence")
    sub = Subscription(
        conn=conn, topic=topic, join_ref=join_ref, caller=caller,
        broadcast_self=bool(broadcast.get("self", False)), broadcast_ack=bool(broadcast.get("ack", False)),
        presence_key=str(presence.get("key") or "") or str(uuid.uuid4()),
        presence_enabled=bool(presence.get("enabled", False)), private=bool(config.get("private", False)),
        expires_at=expires)
    sub.bindings = _bindings(config.get("postgres_changes"))
    try:
        sub.replay = replay.parse(broadcast, sub.private)
    except replay.ReplayError as error:
        raise JoinError(str(error)) from None
    if sub.private:
        permissions = await private_channel_permissions(realtime.db.admin, caller, sub.name)
        if not permissions.read:
            raise JoinError(f"Unauthorized: You do not have permissions to read from this Channel topic: {sub.name}")
        sub.can_write = permissions.write
    if sub.bindings:
        sub.bindings_error = await realtime.changes.check_bindings(sub.bindings)
    return sub


def _object(config: dict, name: str) -> dict:
    value = config.get(name) or {}
    if not isinstance(value, dict):
        raise JoinError(f"config.{name} must be an object")
    return value


def _bindings(raw: Any) -> tuple[Binding, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise JoinError("config.postgres_changes must be a list")
    try:
        return tuple(parse_binding(item) for item in raw)
    except BindingError as error:
        raise JoinError(str(error)) from None
