"""One worker process of a multi-worker node: its own pools and stack, serving the shared socket.

Started by the supervisor (multiprocessing "spawn": a fresh interpreter, nothing inherited but the
arguments and the listening socket). The supervisor has already migrated the database; a worker only
connects, builds the stack, answers `metrics` on its channel socket and tells the supervisor it is ready.
"""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

import orjson
import uvicorn

from oricol import httpserver
from oricol.config import Config

from . import channel, metrics

SUPERVISOR_SERVICES = ("mail",)  # its ports exist once per node: the supervisor runs it


@dataclass(frozen=True)
class WorkerSpec:
    config: Config
    index: int
    workers: int
    admin_url: str
    channel_dir: Path
    supervisor_pid: int


def worker_config(config: Config) -> Config:
    """The node's config as a worker runs it: without the parts the supervisor runs once per node — the
    mail catcher (one SMTP and one web port) and the backup schedule (its advisory lock would keep N
    workers from backing up N times, but each would still wake, connect and log for nothing)."""
    services = tuple(name for name in config.core.services if name not in SUPERVISOR_SERVICES)
    backup = dataclasses.replace(config.backup, enabled=False)
    return dataclasses.replace(config, core=dataclasses.replace(config.core, services=services), backup=backup)


def end_with_parent(parent_pid: int) -> None:
    """Linux: SIGTERM this worker when the supervisor dies, even by SIGKILL, rather than serve on orphaned."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return  # not Linux: `oricol stop` still stops the workers through the supervisor
    if os.getppid() != parent_pid:  # it died before the prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


def main(spec: WorkerSpec, sock: socket.socket) -> None:
    from oricol import logs

    end_with_parent(spec.supervisor_pid)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # a certificate reload before serving must not end us

    core = spec.config.core
    logs.configure(core.log_level, log_file=core.data_dir / "logs" / "oricol.jsonl", shared_file=True,
                   fields={"worker": spec.index, "pid": os.getpid()})
    try:
        code = httpserver.run(serve(spec, sock))
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)


async def node_health(folder: Path) -> dict:
    try:
        return orjson.loads(await channel.ask(channel.supervisor_path(folder), "health", timeout=2.0))
    except (OSError, asyncio.TimeoutError, orjson.JSONDecodeError):
        return {"parts": {"supervisor": "down: not answering"}}


async def serve(spec: WorkerSpec, sock: socket.socket) -> int:
    from oricol.app import NodeHooks, build_stack
    from oricol.db import Database
    from oricol.serving import GatewayServer, cancel_on_signals, http_options

    config = worker_config(spec.config)
    db = stack = answering = None
    with cancel_on_signals():  # SIGTERM/SIGINT during start-up: cancel it, and still close what was opened
        try:
            db = await Database.connect(spec.admin_url, config.core.postgres_password,
                                        pool_size=config.core.pool_size, replica_urls=config.core.replica_urls)

            async def node_metrics(registry) -> str:
                return await metrics.gather(spec.channel_dir, spec.workers, own=(str(spec.index), registry.render()))

            stack = build_stack(config, db, node=NodeHooks(metrics_text=node_metrics,
                                                            health=lambda: node_health(spec.channel_dir)))
            await stack.start()

            async def own_metrics(_args: list[str]) -> bytes:
                return stack.registry.render().encode()

            answering = await channel.serve(channel.worker_path(spec.channel_dir, spec.index), {"metrics": own_metrics})
        except asyncio.CancelledError:
            await _close(stack, db, answering)
            return 143
    try:
        server = GatewayServer(uvicorn.Config(stack.gateway, **http_options(config)))
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not serving.done():  # noqa: ASYNC110 - uvicorn sets a flag, no event
            await asyncio.sleep(0.02)
        if server.started:
            with contextlib.suppress(OSError, asyncio.TimeoutError):  # a stopping supervisor need not hear it
                await channel.ask(channel.supervisor_path(spec.channel_dir), f"ready {spec.index} {os.getpid()}")
        await serving
        return 0 if server.started else 1
    finally:
        await _close(stack, db, answering)


async def _close(stack, db, answering) -> None:
    if answering is not None:
        answering.close()
    if stack is not None:
        await stack.stop()
    if db is not None:
        await db.close()
