"""`oricol start`: the embedded PostgreSQL (if no URL is given), migrations, services, the gateway."""
from __future__ import annotations

import asyncio
import logging
import sys

import uvicorn

from oricol import bootstrap, httpserver
from oricol.app import build_stack
from oricol.config import Config
from oricol.db import Database
from oricol.migrate import MigrationError
from oricol.pg import cluster as pg_cluster
from oricol.pg.cluster import admin_url
from oricol.pg.embedded import Cluster
from oricol.serving import GatewayServer, QuietServer, cancel_on_signals, http_options

log = logging.getLogger("oricol.server")


async def _serve_metrics(config: Config, stack) -> QuietServer | None:
    if not config.gateway.metrics_port:
        return None
    from oricol.app import metrics_app

    server = QuietServer(uvicorn.Config(metrics_app(stack.registry, public=True), host=config.core.host,
                                        port=config.gateway.metrics_port, lifespan="off", log_config=None,
                                        access_log=False))
    asyncio.get_running_loop().create_task(server.serve())
    return server


def start_cluster(config: Config) -> Cluster:
    """The embedded cluster, started with room for every worker's pools when there are several."""
    settings = None
    if config.core.workers > 1:
        from oricol.workers.budget import embedded_max_connections

        settings = {"max_connections": str(embedded_max_connections(config))}
    return pg_cluster.start_cluster(config, settings)


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
        server = GatewayServer(uvicorn.Config(stack.gateway, **http_options(config)))
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
