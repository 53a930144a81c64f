"""`oricol start`: the embedded PostgreSQL (if no URL is given), migrations, services, the gateway."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

import uvicorn

from oricol import bootstrap, httpserver
from oricol.app import build_stack
from oricol.config import Config
from oricol.db import Database
from oricol.httpserver import OricolHttpProtocol
from oricol.migrate import MigrationError
from oricol.pg import cluster as pg_cluster
from oricol.pg.cluster import admin_url
from oricol.pg.embedded import Cluster
from oricol.websocket import OricolWebSocketProtocol

log = logging.getLogger("oricol.server")


class _Server(uvicorn.Server):
    """uvicorn re-raises SIGTERM/SIGINT after its own shutdown, which would kill the process before
    the embedded PostgreSQL is stopped; we handle those signals ourselves instead. SIGHUP reloads the
    TLS certificate and key (a renewed certificate without a restart)."""

    @contextlib.contextmanager
    def capture_signals(self):
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


class _QuietServer(uvicorn.Server):
    """A secondary server (metrics port): the main server owns the signals and stops this one."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield


async def _serve_metrics(config: Config, stack) -> _QuietServer | None:
    if not config.gateway.metrics_port:
        return None
    from oricol.app import metrics_app

    server = _QuietServer(uvicorn.Config(metrics_app(stack.registry, public=True), host=config.core.host,
                                         port=config.gateway.metrics_port, lifespan="off", log_config=None,
                                         access_log=False))
    asyncio.get_running_loop().create_task(server.serve())
    return server


def http_options(config: Config) -> dict:
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


def start_cluster(config: Config) -> Cluster:
    """The embedded cluster, started with room for every worker's pools when there are several."""
    settings = None
    if config.core.workers > 1:
        from oricol.workers.budget import embedded_max_connections

        settings = {"max_connections": str(embedded_max_connections(config))}
    return pg_cluster.start_cluster(config, settings)


@contextlib.contextmanager
def cancel_on_signals():
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


async def serve(config: Config) -> int:
    """The database first (start, migrate: once per node), then one process serving, or a supervisor and
    its workers (oricol.workers) when ORICOL_WORKERS > 1."""
    cluster = db = stack = None
    try:
        with cancel_on_signals():
            cluster = await asyncio.to_thread(start_cluster, config) if config.core.embedded else None
            url = admin_url(config, cluster)
            try:
                await bootstrap.prepare(url, config.core.postgres_password, config.core.migrations_dir,
                                        helpdesk=config.helpdesk.enabled)
            except MigrationError as error:
                print(f"oricol: migration failed, not serving: {error}", file=sys.stderr)
                return 3
        if config.core.workers > 1:
            from oricol.workers import supervisor

            return await supervisor.run(config, url)
        with cancel_on_signals():
            db = await Database.connect(url, config.core.postgres_password, pool_size=config.core.pool_size,
                                        replica_urls=config.core.replica_urls)
            stack = build_stack(config, db)
            await stack.start()
        server = _Server(uvicorn.Config(stack.gateway, **http_options(config)))
        metrics_server = await _serve_metrics(config, stack)
        try:
            await server.serve()
        finally:
            if metrics_server is not None:
                metrics_server.should_exit = True
        return 0 if server.started else 1
    except asyncio.CancelledError:
        return 143
    finally:
        if stack is not None:
            await stack.stop()
        if db is not None:
            await db.close()
        if cluster is not None:
            await asyncio.to_thread(cluster.stop)


def run(config: Config) -> int:
    try:
        return httpserver.run(serve(config))
    except KeyboardInterrupt:
        return 130
