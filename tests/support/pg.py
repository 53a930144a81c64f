"""A throwaway PostgreSQL for the test session, or the one named by ORICOL_TEST_DATABASE_URL.

Each test gets its own database cloned from a template that already carries the platform schema,
so tests are isolated and can run in parallel processes.
"""
from __future__ import annotations

import asyncio
import itertools
import os
import random
import shutil
import socket
import tempfile
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from oricol import bootstrap
from oricol.pg.embedded import Cluster

PASSWORD = "test-" + uuid.uuid4().hex


def free_port() -> int:
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """Distinct free ports: the sockets stay bound until all are chosen, so the kernel cannot hand the
    same port out twice (two free_port() calls in a row sometimes did, and a config refused equal ports)."""
    band = _worker_band()
    if band is not None:
        return band.take(count)
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


BAND_FLOOR = 10000  # worker bands lie between this and the kernel's ephemeral range


class PortBand:
    """The ports of one pytest-xdist worker. With parallel workers, a port one worker found free (and closed
    again) could be handed by the kernel to the other worker before the first one's server binds it. So each
    worker walks a band of its own below the ephemeral range, where neither bind(0) nor an outgoing connection
    ever lands, and never hands a port out twice in a run."""

    def __init__(self, ports: range):
        start = random.randrange(len(ports))  # another run of the same band on this machine starts elsewhere
        self._ports = itertools.cycle([*ports[start:], *ports[:start]])
        self._lock = threading.Lock()  # live servers choose their port from threads

    def take(self, count: int) -> list[int]:
        with self._lock:
            chosen: list[int] = []
            while len(chosen) < count:
                port = next(self._ports)
                if _bindable(port):  # not held by something else on the machine
                    chosen.append(port)
            return chosen


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


_bands: dict[str, PortBand] = {}


def _worker_band() -> PortBand | None:
    """This worker's band, or None in a serial run. PYTEST_XDIST_WORKER is "gw0", "gw1", ..."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return None
    if worker not in _bands:
        count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
        size = (_ephemeral_floor() - BAND_FLOOR) // count
        if size < 100:  # an unusual ephemeral range leaves no room: share the kernel's choice
            return None
        low = BAND_FLOOR + int(worker.removeprefix("gw")) * size
        _bands[worker] = PortBand(range(low, low + size))
    return _bands[worker]


def _ephemeral_floor() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@dataclass
class TestServer:
    admin_url: str  # superuser, database `postgres`
    password: str  # the password services log in with
    cluster: Cluster | None
    workdir: Path | None

    def url_for(self, database: str) -> str:
        return with_database(self.admin_url, database)

    def stop(self) -> None:
        if self.cluster is not None:
            self.cluster.stop(mode="immediate")
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)


def start_server() -> TestServer:
    given = os.environ.get("ORICOL_TEST_DATABASE_URL")
    if given:
        return TestServer(admin_url=given, password=PASSWORD, cluster=None, workdir=None)
    workdir = Path(tempfile.mkdtemp(prefix="oricol-test-"))
    os.chmod(workdir, 0o755)
    port = free_port()
    cluster = Cluster(pg_dir=workdir / "pg", socket_dir=workdir / "run", port=port,
                      extra_settings={"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"})
    cluster.init(PASSWORD)
    cluster.start()
    return TestServer(admin_url=cluster.url(PASSWORD), password=PASSWORD, cluster=cluster, workdir=workdir)


async def run_sql(url: str, *scripts: str) -> None:
    """Run SQL scripts (several statements each) on the database at `url`, as a fixture seeds its schema."""
    conn = await asyncpg.connect(url)
    try:
        for script in scripts:
            await conn.execute(script)
    finally:
        await conn.close()


async def create_template(server: TestServer) -> str:
    name = f"oricol_tpl_{os.getpid()}"
    conn = await asyncpg.connect(server.admin_url)
    try:
        await conn.execute(f'drop database if exists "{name}"')
        await conn.execute(f'create database "{name}"')
    finally:
        await conn.close()
    await bootstrap.prepare(server.url_for(name), server.password, None)
    return name


async def clone(server: TestServer, template: str, name: str | None = None) -> str:
    name = name or f"t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(server.admin_url)
    try:
        for attempt in range(20):
            try:
                await conn.execute(f'create database "{name}" template "{template}"')
                break
            except asyncpg.ObjectInUseError:  # the template is briefly busy
                await asyncio.sleep(0.1 * (attempt + 1))
        # Database-level settings are not copied with the template.
        await conn.execute(f'alter database "{name}" set search_path to "$user", public, extensions')
    finally:
        await conn.close()
    return name


async def drop(server: TestServer, name: str) -> None:
    conn = await asyncpg.connect(server.admin_url)
    try:
        await _drop_replication_slots(conn, name)
        await conn.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await conn.close()


async def _drop_replication_slots(conn: asyncpg.Connection, name: str) -> None:
    """A database with a logical replication slot (realtime's change capture) cannot be dropped."""
    for _attempt in range(50):
        await conn.execute("select pg_terminate_backend(pid) from pg_stat_activity "
                           "where datname = $1 and pid <> pg_backend_pid()", name)
        try:
            await conn.execute("select pg_drop_replication_slot(slot_name) from pg_replication_slots "
                               "where database = $1", name)
            return
        except asyncpg.ObjectInUseError:  # its reader has not noticed the termination yet
            await asyncio.sleep(0.1)


@contextmanager
def own_cluster(password: str, *, with_replica: bool = False) -> Iterator[tuple[Path, Cluster, Cluster | None]]:
    """A cluster of the test's own (to stop, restart or replicate), and optionally a streaming replica.
    Not under pytest's 0700 tmp folder: PostgreSQL runs as the `postgres` user when we are root."""
    root = Path(tempfile.mkdtemp(prefix="oricol-own-"))
    os.chmod(root, 0o755)
    primary = Cluster(pg_dir=root / "primary", socket_dir=root / "run", port=free_port())
    replica = None
    try:
        primary.init(password)
        primary.start()
        if with_replica:
            replica = primary.make_replica(root / "replica", free_port(), password)
            replica.start()
        yield root, primary, replica
    finally:
        for cluster in (replica, primary):
            if cluster is not None:
                cluster.stop(mode="immediate")
        shutil.rmtree(root, ignore_errors=True)
