"""The WebSocket protocol the server runs: uvicorn's sans-I/O websockets protocol, plus one ASGI
extension for servers that push the same events to many sockets (realtime).

ASGI sends one frame per awaited `send`, each a coroutine through the gateway's wrapper and the
protocol's state checks. A realtime change to 500 subscribers is 500 such sends, and they were most
of what a delivery cost. The extension `oricol.websocket.frames` in the scope offers a plain function
instead: `write(frames)` puts every frame given (str: text, bytes: binary) on the socket's transport
in one write, at once, and says whether the socket took them; `buffered()` is how many bytes the
client has not read yet, so a slow client can be dropped rather than buffered without bound.
Accepting and closing still go through ASGI `send`; an app that finds no extension (another server)
uses `send` for everything.

The writer frames the data itself (a server's frames are unmasked: a 2-10 byte header, then the
payload) rather than through the sans-I/O protocol's `send_text`, which builds a Frame object and a
BytesIO per frame and was most of what a write cost. It does so only where the two agree: no
extension negotiated (permessage-deflate is off in `oricol.server`) and no fragmented message in
progress; otherwise it goes through the protocol.
"""
from __future__ import annotations

import struct
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.exceptions import InvalidState
from websockets.protocol import State

EXTENSION = "oricol.websocket.frames"


class FrameWriter:
    """What the extension hands the app: a synchronous writer bound to one socket."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: "OricolWebSocketProtocol"):
        self._protocol = protocol

    def write(self, frames: list[str | bytes]) -> bool:
        p = self._protocol
        if not p.handshake_complete or p.close_sent or p.disconnected or p.transport.is_closing() \
                or p.conn.state is not State.OPEN:
            return False
        conn = p.conn
        if conn.extensions or conn.expect_continuation_frame:
            try:
                for frame in frames:
                    if isinstance(frame, str):
                        conn.send_text(frame.encode())
                    else:
                        conn.send_binary(frame)
            except InvalidState:
                return False
            p.transport.write(b"".join(conn.data_to_send()))
            return True
        wire = conn.data_to_send()  # anything the protocol queued goes first (none in practice)
        short_text = _SHORT[_TEXT]
        for frame in frames:
            if isinstance(frame, str):
                data = frame.encode()
                length = len(data)  # a change is a few hundred bytes: the 16-bit length, inlined
                wire.append(short_text[length] if length < 126 else
                            _MEDIUM(_TEXT, 126, length) if length < 65536 else _header(_TEXT, length))
            else:
                data = frame
                wire.append(_header(_BINARY, len(data)))
            wire.append(data)
        p.transport.write(b"".join(wire))
        return True

    def buffered(self) -> int:
        return self._protocol.transport.get_write_buffer_size()


_TEXT = 0x81  # FIN + opcode 1
_BINARY = 0x82  # FIN + opcode 2
_SHORT = {first: [bytes((first, n)) for n in range(126)] for first in (_TEXT, _BINARY)}  # headers made once


_MEDIUM = struct.Struct("!BBH").pack
_LONG = struct.Struct("!BBQ").pack


def _header(first: int, length: int) -> bytes:
    """An unmasked frame's header (RFC 6455 section 5.2)."""
    if length < 126:
        return _SHORT[first][length]
    if length < 65536:
        return _MEDIUM(first, 126, length)
    return _LONG(first, 127, length)


class OricolWebSocketProtocol(WebSocketsSansIOProtocol):
    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        # The app's task is created but has not run yet: the scope can still be completed.
        scope = getattr(self, "scope", None)
        if scope is not None and not self.close_sent:
            scope["extensions"][EXTENSION] = FrameWriter(self)
