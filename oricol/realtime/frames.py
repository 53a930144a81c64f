"""Phoenix frames on the wire: the JSON objects of vsn 1.0.0, the JSON arrays of vsn 2.0.0 and the
binary user-broadcast frames realtime-js 2.x sends and accepts.

A message is decoded once into `Message`; encoding is per protocol version, so the same server push
can go to clients of either version.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

import orjson

VSN_1 = "1.0.0"
VSN_2 = "2.0.0"
SUPPORTED_VSN = (VSN_1, VSN_2)

_KIND_USER_BROADCAST_PUSH = 3  # client -> server
_KIND_USER_BROADCAST = 4  # server -> client
_ENCODING_BINARY = 0
_ENCODING_JSON = 1


class FrameError(ValueError):
    """A frame that is not a Phoenix message; the message says what is wrong."""


@dataclass
class Message:
    topic: str
    event: str
    payload: Any
    ref: str | None = None
    join_ref: str | None = None


def decode_text(text: str | bytes, vsn: str) -> Message:
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise FrameError("frame is not JSON") from None
    if vsn == VSN_2:
        if not isinstance(data, list) or len(data) != 5:
            raise FrameError("a 2.0.0 frame is [join_ref, ref, topic, event, payload]")
        join_ref, ref, topic, event, payload = data
    else:
        if not isinstance(data, dict):
            raise FrameError("a 1.0.0 frame is a JSON object")
        join_ref, ref = data.get("join_ref"), data.get("ref")
        topic, event, payload = data.get("topic"), data.get("event"), data.get("payload")
    if not isinstance(topic, str) or not isinstance(event, str):
        raise FrameError("topic and event must be strings")
    if payload is None:
        payload = {}
    return Message(topic, event, payload, _opt_str(ref), _opt_str(join_ref))


def decode_binary(data: bytes) -> Message:
    """A user broadcast pushed by realtime-js 2.x: a header of lengths, then the strings, then the body."""
    if len(data) < 7 or data[0] != _KIND_USER_BROADCAST_PUSH:
        raise FrameError("unknown binary frame")
    join_ref_len, ref_len, topic_len, event_len, meta_len, encoding = data[1:7]
    offset = 7
    fields = []
    for length in (join_ref_len, ref_len, topic_len, event_len, meta_len):
        fields.append(data[offset:offset + length].decode("utf-8", "replace"))
        offset += length
    if offset > len(data):
        raise FrameError("binary frame shorter than its header says")
    join_ref, ref, topic, event, meta = fields
    body = data[offset:]
    if encoding == _ENCODING_JSON:
        try:
            user_payload: Any = orjson.loads(body) if body else {}
        except orjson.JSONDecodeError:
            raise FrameError("binary frame's JSON payload is not JSON") from None
    else:
        user_payload = bytes(body)
    payload = {"type": "broadcast", "event": event, "payload": user_payload}
    if meta:
        try:
            payload["meta"] = orjson.loads(meta)
        except orjson.JSONDecodeError:
            raise FrameError("binary frame's metadata is not JSON") from None
    return Message(topic, "broadcast", payload, ref or None, join_ref or None)


def encode(message: Message, vsn: str) -> str | bytes:
    """Text (str) or binary (bytes) frame for a client speaking `vsn`."""
    payload = message.payload
    if isinstance(payload, dict) and isinstance(payload.get("payload"), (bytes, bytearray)):
        if vsn == VSN_2 and message.event == "broadcast":
            return _encode_binary_broadcast(message)
        payload = {**payload, "payload": {}}  # 1.0.0 has no way to carry bytes
    if vsn == VSN_2:
        return orjson.dumps([message.join_ref, message.ref, message.topic, message.event, payload]).decode()
    return orjson.dumps({"topic": message.topic, "event": message.event, "payload": payload,
                         "ref": message.ref, "join_ref": message.join_ref}).decode()


def encode_push(topic: str, event: str, payload_json: str, vsn: str) -> str:
    """A server push (ref and join_ref null) whose payload is JSON text already: the same change goes
    to many sockets, so it is serialised once and only this envelope is built per socket."""
    head, tail = push_envelope(topic, event, vsn)
    return head + payload_json + tail


def push_envelope(topic: str, event: str, vsn: str) -> tuple[str, str]:
    """The text of a server push before and after its payload: a socket's channel keeps it, so a push
    costs two concatenations."""
    quoted = orjson.dumps(topic).decode()
    if vsn == VSN_2:
        return f'[null,null,{quoted},"{event}",', "]"
    return f'{{"topic":{quoted},"event":"{event}","payload":', ',"ref":null,"join_ref":null}'


def _encode_binary_broadcast(message: Message) -> bytes:
    topic = message.topic.encode()
    event = str(message.payload.get("event", "")).encode()
    meta = orjson.dumps(message.payload["meta"]) if message.payload.get("meta") else b""
    if max(len(topic), len(event), len(meta)) > 255:
        raise FrameError("topic, event or metadata longer than 255 bytes")
    header = struct.pack("!BBBBB", _KIND_USER_BROADCAST, len(topic), len(event), len(meta), _ENCODING_BINARY)
    return header + topic + event + meta + bytes(message.payload["payload"])


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)
