"""The HTTP/1.1 protocol the server runs: uvicorn's httptools one, plus read timeouts for slow clients.

uvicorn closes an idle keep-alive connection after `timeout_keep_alive`, but it waits forever for a
new connection's first bytes, for the rest of a request's headers and for the rest of its body, so
a client trickling one byte every few seconds (slowloris) holds a socket and its buffers as long as
it likes; a few thousand of them exhaust the file descriptors. Here:

- the headers of a request must arrive within `HEADER_TIMEOUT` seconds of the connection opening
  (or of the previous response, for a kept-alive connection);
- while a body is being read, `BODY_IDLE_TIMEOUT` seconds without a byte end the request.

Both close the connection (the app, if one runs, sees `http.disconnect`), as nginx's
client_header_timeout and client_body_timeout do.
"""
from __future__ import annotations

import asyncio
from typing import Any, Callable, Coroutine, TypeVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

T = TypeVar("T")

HEADER_TIMEOUT = 10.0
BODY_IDLE_TIMEOUT = 30.0


class OricolHttpProtocol(HttpToolsProtocol):
    header_timeout = HEADER_TIMEOUT
    body_idle_timeout = BODY_IDLE_TIMEOUT

    _read_timer: asyncio.TimerHandle | None = None

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._read_timer = self.loop.call_later(seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _too_slow(self) -> None:
        self._read_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    # uvicorn narrows the transport to asyncio.Transport in its own override; this one follows it.
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._read_timer is None:  # a kept-alive connection's next request: its headers are timed too
            self._arm(self.header_timeout)

    def on_headers_complete(self) -> None:
        upgrade = self.parser.should_upgrade() and self._should_upgrade()
        super().on_headers_complete()
        if upgrade:
            self._disarm()  # the websocket protocol takes the socket over
        else:
            self._arm(self.body_idle_timeout)  # cancelled at once by on_message_complete when there is no body

    def on_body(self, body: bytes) -> None:
        super().on_body(body)
        if self._read_timer is not None:
            self._arm(self.body_idle_timeout)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # The keep-alive timer now guards the idle time; the header timer starts with the next bytes.


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    """uvloop's event loop (installed with uvicorn[standard]) where it exists: bench/rest.py measured
    it ahead of asyncio's default loop for every request; asyncio's own loop elsewhere."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on the server's event loop (a serving process's one entry point)."""
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        return runner.run(main)
