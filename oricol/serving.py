"""How the process serves HTTP: the uvicorn servers and their options, shared by the single-process
server (oricol.server) and the workers of a multi-process node (oricol.workers), so neither reaches
into the other's private names.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any, Iterator

import uvicorn

from oricol.config import Config
from oricol.httpserver import OricolHttpProtocol
from oricol.websocket import OricolWebSocketProtocol

log = logging.getLogger("oricol.server")


class GatewayServer(uvicorn.Server):
    """uvicorn re-raises SIGTERM/SIGINT after its own shutdown, which would kill the process before
    the embedded PostgreSQL is stopped; we handle those signals ourselves instead. SIGHUP reloads the
    TLS certificate and key (a renewed certificate without a restart)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.handle_exit, sig, None)
        loop.add_signal_handler(signal.SIGHUP, self.reload_tls)
        try:
            yield
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                loop.remove_signal_handler(sig)

    def reload_tls(self) -> None:
        reload_certificate(self.config)


def reload_certificate(config: uvicorn.Config) -> bool:
    """Loads the certificate files again into the server's SSL context: handshakes from now on present
    the new certificate, connections already open keep theirs. A bad file keeps the old one, logged."""
    if config.ssl is None or not config.ssl_certfile:
        return False
    try:
        config.ssl.load_cert_chain(config.ssl_certfile, config.ssl_keyfile)
    except (OSError, ValueError) as error:  # ssl.SSLError is an OSError
        log.error("TLS certificate not reloaded; still serving the previous one",
                  extra={"cert": str(config.ssl_certfile), "error": f"{type(error).__name__}: {error}"})
        return False
    log.info("TLS certificate reloaded", extra={"cert": str(config.ssl_certfile)})
    return True


class QuietServer(uvicorn.Server):
    """A secondary server (metrics port): the main server owns the signals and stops this one."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def http_options(config: Config) -> dict[str, Any]:
    """How uvicorn serves the gateway (shared with the test suite's live server)."""
    return dict(
        host=config.core.host, port=config.core.port, lifespan="off", log_config=None, access_log=False,
        # Forwarded headers are read by the gateway, only from ORICOL_TRUSTED_PROXIES (oricol/clientaddr.py).
        proxy_headers=False, server_header=False, timeout_graceful_shutdown=10,
        # Realtime sends its own Phoenix heartbeats; and no permessage-deflate, as Phoenix's default:
        # compressing every frame for every subscriber cost a third of the CPU per delivery. Our protocol
        # (uvicorn's sans-I/O one plus a synchronous frame writer, see oricol/websocket.py) lets realtime
        # write a batch of frames to a socket in one call instead of one awaited ASGI send per frame.
        http=OricolHttpProtocol,  # header and body read timeouts for slow clients
        ws=OricolWebSocketProtocol, ws_ping_interval=None, ws_per_message_deflate=False,
        # HTTPS and WSS on the same port when ORICOL_TLS_CERT/KEY are set (reloaded on SIGHUP).
        **({"ssl_certfile": str(config.gateway.tls_cert), "ssl_keyfile": str(config.gateway.tls_key)}
           if config.gateway.tls_cert else {}),
    )


@contextlib.contextmanager
def cancel_on_signals() -> Iterator[None]:
    """Until uvicorn takes over the signals, SIGTERM/SIGINT cancel start-up so the caller's clean-up runs."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    try:
        yield
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
