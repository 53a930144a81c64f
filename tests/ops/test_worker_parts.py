"""The pieces of a multi-worker node on their own: ORICOL_WORKERS, the connection budget against a real
PostgreSQL, the merged Prometheus text, the node channel, and the log file several processes share."""
from __future__ import annotations

import dataclasses
import json
import logging
import os
from pathlib import Path

import pytest

from oricol import logs
from oricol.config import ConfigError
from oricol.config.core import usable_cpus
from oricol.metrics import Registry
from oricol.workers import budget, channel, metrics
from oricol.workers.worker import worker_config
from tests.foundation.test_config import load


def test_workers_setting():
    assert load().core.workers == 1
    assert load(ORICOL_WORKERS="3").core.workers == 3
    assert load(ORICOL_WORKERS="auto").core.workers == usable_cpus() == len(os.sched_getaffinity(0))
    for bad, message in (("0", "ORICOL_WORKERS must be between 1 and 256"),
                         ("many", "ORICOL_WORKERS must be a whole number or auto"),
                         ("-2", "ORICOL_WORKERS must be a whole number or auto")):
        with pytest.raises(ConfigError, match=message):
            load(ORICOL_WORKERS=bad)


def test_a_worker_leaves_the_node_level_parts_to_the_supervisor():
    config = load(ORICOL_BACKUP_ENABLED="true")
    mine = worker_config(config)
    assert "mail" in config.core.services and "mail" not in mine.core.services
    assert "rest" in mine.core.services and not mine.backup.enabled


async def test_the_budget_refuses_more_connections_than_the_database_allows(config, pg_server):
    modest = dataclasses.replace(config, core=dataclasses.replace(config.core, workers=2, pool_size=10))
    await budget.check(pg_server.admin_url, modest)  # 2 × 19 + 3 fits in the test cluster
    greedy = dataclasses.replace(config, core=dataclasses.replace(config.core, workers=64, pool_size=100))
    with pytest.raises(budget.BudgetError, match=r"ORICOL_WORKERS=64 × \(ORICOL_DB_POOL_SIZE=100 app \+ 50 admin"):
        await budget.check(pg_server.admin_url, greedy)
    assert budget.embedded_max_connections(greedy) >= budget.node_ceiling(greedy) + budget.HEADROOM
    assert budget.embedded_max_connections(modest) == budget.EMBEDDED_DEFAULT_MAX


def test_merged_metrics_label_each_worker_and_group_each_family_once():
    def registry_with(requests: int) -> str:
        registry = Registry()
        registry.counter("oricol_requests_total", "Requests").inc((("status", "200"),), requests)
        registry.histogram("oricol_latency_seconds", "Latency").observe((), 0.01)
        registry.collector("oricol_up", "gauge", "Up", lambda: [("oricol_up", (), 1)])
        return registry.render()

    supervisor = Registry()
    supervisor.collector("oricol_mail_messages", "gauge", "Mail", lambda: [("oricol_mail_messages", (), 3)])
    text = metrics.merge([(None, supervisor.render()), ("0", registry_with(5)), ("1", registry_with(7))])
    lines = text.splitlines()
    assert lines.count("# TYPE oricol_requests_total counter") == 1
    assert 'oricol_requests_total{worker="0",status="200"} 5' in lines
    assert 'oricol_requests_total{worker="1",status="200"} 7' in lines
    assert 'oricol_latency_seconds_bucket{worker="1",le="0.01"} 1' in lines
    assert 'oricol_latency_seconds_count{worker="0"} 1' in lines
    assert 'oricol_up{worker="1"} 1' in lines and "oricol_mail_messages 3" in lines
    # Each family's samples follow its own header, as the exposition format requires.
    at = lines.index("# TYPE oricol_latency_seconds histogram")
    assert all(line.startswith("oricol_latency_seconds") for line in lines[at + 1:at + 1 + 2 * 16])


async def test_the_channel_answers_and_a_missing_process_is_an_error(tmp_path):
    folder = channel.channel_dir(tmp_path / "w")
    assert oct(folder.stat().st_mode & 0o777) == "0o700"

    async def echo(args: list[str]) -> bytes:
        return " ".join(reversed(args)).encode()

    server = await channel.serve(channel.worker_path(folder, 0), {"echo": echo})
    try:
        assert await channel.ask(channel.worker_path(folder, 0), "echo a b") == b"b a"
        with pytest.raises(channel.ChannelError, match="worker-0.sock refused 'nonsense': unknown command"):
            await channel.ask(channel.worker_path(folder, 0), "nonsense")
        with pytest.raises(OSError):
            await channel.ask(channel.worker_path(folder, 1), "echo")
        # Gathering skips who does not answer (a restarting worker, or here one without metrics).
        text = await metrics.gather(folder, 2, own=("1", "# TYPE x gauge\nx 1\n"))
        assert text == '# TYPE x gauge\nx{worker="1"} 1\n'
    finally:
        server.close()
    long = tmp_path / ("x" * 120)
    assert channel.channel_dir(long) != long  # a socket path would not fit: a private temporary folder


def test_processes_share_the_log_file_and_one_rotates_it(tmp_path):
    path = tmp_path / "logs" / "oricol.jsonl"
    logs.configure("info", stream=open(os.devnull, "w"), log_file=path, shared_file=True,
                   fields={"worker": 1, "pid": 42})
    logger = logging.getLogger("oricol.test")
    try:
        logger.info("before")
        assert logs.rotate_if_large(path, max_bytes=10, backups=2)
        logger.info("after")  # the watched handler reopens the new file
        assert not logs.rotate_if_large(path, max_bytes=10_000, backups=2)
        first = json.loads(Path(f"{path}.1").read_text())
        second = json.loads(path.read_text())
        assert (first["msg"], first["worker"], first["pid"]) == ("before", 1, 42)
        assert second["msg"] == "after"
    finally:
        logging.getLogger().handlers.clear()


async def test_connections_accepted_on_the_shared_socket_send_without_delay():
    """asyncio turns Nagle off only for sockets whose proto is TCP; the listener must say so."""
    import asyncio
    import socket

    from oricol.workers import listener

    sock = listener.open_shared("127.0.0.1", 0)
    accepted: asyncio.Future = asyncio.get_running_loop().create_future()

    async def on_connect(reader, writer) -> None:
        accepted.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(on_connect, sock=sock)
    try:
        _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
        assert await asyncio.wait_for(accepted, 5) != 0
        writer.close()
    finally:
        server.close()


def test_sighup_is_forwarded_to_every_live_worker():
    """The supervisor's SIGHUP handler (a renewed TLS certificate) signals each worker process by pid:
    a multiprocessing process has no `send_signal`, which this once called. A sleeping child has no
    handler, so the forwarded SIGHUP ends it and its exit code shows which signal arrived."""
    import multiprocessing
    import signal
    import time
    from types import SimpleNamespace

    from oricol.workers.supervisor import Slot, Supervisor

    child = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(120,))
    child.start()
    try:
        Supervisor.forward_hangup(SimpleNamespace(slots=[Slot(index=0, process=child), Slot(index=1)]))
        child.join(60)
        assert child.exitcode == -signal.SIGHUP
    finally:
        if child.is_alive():
            child.kill()
            child.join()
