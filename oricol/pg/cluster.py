"""The project's embedded cluster as the configuration describes it, for `oricol start` and every command
that needs the database (backup, restore, migrate, psql)."""
from __future__ import annotations

import logging

from oricol.config import Config

from .binaries import find_bindir
from .embedded import Cluster, placement

log = logging.getLogger("oricol.server")


def embedded_cluster(config: Config, *, create: bool = False) -> Cluster:
    """The node's cluster; `create`: about to initialise it, so it may be placed outside a data dir the
    PostgreSQL user cannot enter when we run as root (oricol.pg.embedded.placement)."""
    core = config.core
    pg_dir, socket_dir = placement(core.data_dir, create=create)
    return Cluster(pg_dir=pg_dir, socket_dir=socket_dir, port=core.db_port, bindir=find_bindir(core.pg_bindir))


def admin_url(config: Config, cluster: Cluster | None) -> str:
    if cluster is None:
        assert config.core.database_url is not None
        return config.core.database_url
    # The private socket: trust auth inside a 0700 data dir, and faster than TCP for small queries.
    return cluster.socket_url()


def start_cluster(config: Config, settings: dict[str, str] | None = None) -> Cluster:
    """Initialises the cluster on first use and starts it; `settings` override postgresql.conf values."""
    cluster = embedded_cluster(config, create=True)
    if not cluster.initialised:
        log.info("creating the embedded PostgreSQL cluster", extra={"dir": str(cluster.pg_dir)})
        cluster.init(config.core.postgres_password)
    cluster.start(settings=settings)
    return cluster
