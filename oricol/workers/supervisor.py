"""The parent process of a multi-worker node: starts N workers on one listening socket, restarts a worker
that dies (with a back-off), runs the parts that exist once per node, and stops everything in order.

Once per node, here: the mail catcher (its SMTP and web ports), the backup schedule, the metrics port, the
log file's rotation (see worker.worker_config for what the workers leave out). The embedded PostgreSQL and the migrations
are started by oricol.server before this runs, and stopped by it after this returns.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from oricol.config import Config
from oricol.metrics import Registry

from . import budget, channel, listener, metrics
from .worker import WorkerSpec
from .worker import main as worker_main

if TYPE_CHECKING:
    from oricol.db import Database

log = logging.getLogger("oricol.workers")

BACKOFF_FIRST = 0.5  # seconds before restarting a worker that died
BACKOFF_MAX = 30.0  # doubling up to this while it keeps dying
SERVED_LONG_ENOUGH = 60.0  # a worker that served this long before dying restarts after BACKOFF_FIRST again
START_TIMEOUT = 120.0  # every worker must be serving within this at start, or the node does not start
STOP_GRACE = 25.0  # uvicorn's own graceful shutdown (10 s) plus stopping the services, then SIGKILL
LOG_ROTATE_EVERY = 5.0


@dataclass
class Slot:
    """One worker position: the process in it now, and how it has been doing."""

    index: int
    process: BaseProcess | None = None
    ready: bool = False
    started_at: float = 0.0
    restarts: int = 0
    backoff: float = BACKOFF_FIRST


async def run(config: Config, admin_url: str) -> int:
    try:
        await budget.check(admin_url, config)
    except budget.BudgetError as error:
        print(f"oricol: cannot start: {error}", file=sys.stderr)
        return 2
    warn_if_limits_are_per_worker(config)
    sock = listener.open_shared(config.core.host, config.core.port)  # OSError: reported by the CLI
    folder = channel.channel_dir(config.core.socket_dir / "workers")
    try:
        return await Supervisor(config, admin_url, sock, folder).run()
    finally:
        sock.close()


def warn_if_limits_are_per_worker(config: Config) -> None:
    if config.core.redis_url is not None:
        return
    if config.gateway.rate_limit_ip or config.gateway.rate_limit_key or config.auth.rate_limits.enabled:
        log.warning("rate limits are counted in each worker without ORICOL_REDIS_URL: a client spread over "
                    "the workers may get up to ORICOL_WORKERS times a limit; set ORICOL_REDIS_URL for exact limits",
                    extra={"workers": config.core.workers})


class Supervisor:
    def __init__(self, config: Config, admin_url: str, sock, folder: Path):
        self.config = config
        self.admin_url = admin_url
        self.sock = sock
        self.folder = folder
        self.spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no loop, threads or pools copied
        self.slots = [Slot(index) for index in range(config.core.workers)]
        self.stopping = asyncio.Event()
        self.all_ready = asyncio.Event()
        self.exit_code = 0
        self.registry = Registry()
        self.restarts = self.registry.counter("oricol_worker_restarts_total", "Workers restarted after they died")
        self.registry.collector("oricol_workers_serving", "gauge", "Worker processes serving the gateway",
                                lambda: [("oricol_workers_serving", (), self.serving())])
        self.node_services: dict = {}  # name -> Service: the parts that run once per node, in this process
        self.db: Database | None = None  # the backup schedule's pool, when it runs
        self.background: list[asyncio.Task] = []
        self.closers: list = []

    # -- the node's life ----------------------------------------------------------------------------
    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stop, sig.name)
        loop.add_signal_handler(signal.SIGHUP, self.forward_hangup)
        watchers: list[asyncio.Task] = []
        try:
            await self.start_node_parts()
            watchers = [asyncio.create_task(self.watch(slot), name=f"oricol-watch-{slot.index}")
                        for slot in self.slots]
            await self.wait_until_serving()
            await self.stopping.wait()
            await self.stop_workers(watchers)
            return self.exit_code
        finally:
            for task in watchers:
                task.cancel()
            await self.stop_node_parts()
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                loop.remove_signal_handler(sig)

    def forward_hangup(self) -> None:
        """SIGHUP (a renewed TLS certificate): every worker reloads it."""
        for slot in self.slots:
            # A multiprocessing process has no send_signal (that is subprocess.Popen's): signal its pid.
            if slot.process is not None and slot.process.pid is not None and slot.process.is_alive():
                os.kill(slot.process.pid, signal.SIGHUP)

    def stop(self, why: str = "") -> None:
        if not self.stopping.is_set():
            log.info("stopping the workers", extra={"signal": why})
        self.stopping.set()

    async def wait_until_serving(self) -> None:
        ready = asyncio.create_task(self.all_ready.wait())
        stopped = asyncio.create_task(self.stopping.wait())
        done, _ = await asyncio.wait({ready, stopped}, timeout=START_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        stopped.cancel()
        if not done:
            print(f"oricol: the workers were not all serving after {START_TIMEOUT:.0f}s; stopping", file=sys.stderr)
            self.exit_code = 1
            self.stop("start timeout")
        elif ready in done:
            pids = {slot.index: slot.process.pid for slot in self.slots if slot.process is not None}
            log.info("serving with workers", extra={"workers": len(self.slots), "pids": pids,
                                                   "address": f"{self.config.core.host}:{self.config.core.port}"})

    # -- one worker slot ----------------------------------------------------------------------------
    def start_worker(self, slot: Slot) -> BaseProcess:
        spec = WorkerSpec(config=self.config, index=slot.index, workers=len(self.slots),
                          admin_url=self.admin_url, channel_dir=self.folder, supervisor_pid=os.getpid())
        process = self.spawn.Process(target=worker_main, args=(spec, self.sock), name=f"oricol-worker-{slot.index}")
        process.start()
        slot.process, slot.ready, slot.started_at = process, False, time.monotonic()
        return process

    async def watch(self, slot: Slot) -> None:
        """For the node's whole life: start the worker, wait for it to exit, restart it after a back-off."""
        while not self.stopping.is_set():
            process = self.start_worker(slot)
            await exited(process)
            slot.ready = False
            if self.stopping.is_set():
                return
            code = process.exitcode
            if not self.all_ready.is_set():  # dying before the node ever served: a bug or a bad setting
                print(f"oricol: worker {slot.index} exited with code {code} before serving; stopping", file=sys.stderr)
                self.exit_code = 1
                self.stop("worker failed at start")
                return
            if time.monotonic() - slot.started_at > SERVED_LONG_ENOUGH:
                slot.backoff = BACKOFF_FIRST
            slot.restarts += 1
            self.restarts.inc((("worker", str(slot.index)),))
            log.error("worker died; restarting it", extra={"worker_index": slot.index, "exit_code": code,
                                                          "restart_in_seconds": slot.backoff})
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), slot.backoff)
            slot.backoff = min(BACKOFF_MAX, slot.backoff * 2)

    async def stop_workers(self, watchers: list[asyncio.Task]) -> None:
        """SIGTERM (uvicorn finishes the requests in flight, the services stop), then SIGKILL after a grace."""
        for slot in self.slots:
            if slot.process is not None and slot.process.is_alive():
                slot.process.terminate()
        if watchers:
            _, late = await asyncio.wait(watchers, timeout=STOP_GRACE)
            if late:
                for slot in self.slots:
                    if slot.process is not None and slot.process.is_alive():
                        log.warning("worker did not stop in time; killing it", extra={"worker_index": slot.index})
                        slot.process.kill()
                await asyncio.wait(late, timeout=5)

    def serving(self) -> int:
        return sum(1 for slot in self.slots if slot.ready and slot.process is not None and slot.process.is_alive())

    # -- what the workers ask -----------------------------------------------------------------------
    async def on_ready(self, args: list[str]) -> bytes:
        index = int(args[0])
        self.slots[index].ready = True
        log.info("worker serving", extra={"worker_index": index, "worker_pid": int(args[1])})
        if all(slot.ready for slot in self.slots):
            self.all_ready.set()
        return b"ok\n"

    async def on_health(self, _args: list[str]) -> bytes:
        parts = {}
        for name, service in self.node_services.items():
            try:
                parts[name] = await asyncio.wait_for(service.health(), timeout=2)
            except Exception as error:  # reported, never raised: a worker is asking for its /health
                parts[name] = f"down: {error.__class__.__name__}"
        workers = {"serving": self.serving(), "wanted": len(self.slots),
                   "restarts": sum(slot.restarts for slot in self.slots),
                   "pids": {str(slot.index): slot.process.pid for slot in self.slots
                            if slot.process is not None and slot.process.is_alive()}}
        return orjson.dumps({"parts": parts, "workers": workers})

    async def on_metrics(self, _args: list[str]) -> bytes:
        return self.registry.render().encode()

    # -- the parts that exist once per node -----------------------------------------------------------
    async def start_node_parts(self) -> None:
        answering = await channel.serve(channel.supervisor_path(self.folder),
                                        {"ready": self.on_ready, "health": self.on_health, "metrics": self.on_metrics})

        async def close() -> None:
            answering.close()
        self.closers.append(close)
        if "mail" in self.config.core.services:
            from oricol.mail.service import from_config

            self.node_services["mail"] = from_config(self.config)
        if self.config.backup.enabled:
            self.node_services["backup"] = await self.backup_schedule()
        for service in self.node_services.values():
            register = service.extras.get("register_metrics")
            if register is not None:
                register(self.registry)
            await service.start()
        if self.config.gateway.metrics_port:
            await self.serve_metrics_port(self.config.gateway.metrics_port)
        self.background.append(asyncio.create_task(self.rotate_log_forever(), name="oricol-log-rotation"))

    async def backup_schedule(self):
        """The daily backup, here rather than in a worker: a worker's crash or restart never cuts a backup
        short, and its last-run gauges appear once. It needs the smallest pools (budget.SUPERVISOR)."""
        from oricol.backup.service import create
        from oricol.db import Database
        from oricol.jwt import Verifier
        from oricol.service import Platform

        db = self.db = await Database.connect(self.admin_url, self.config.core.postgres_password, pool_size=1)
        return create(Platform(config=self.config, db=db, verifier=Verifier(secret=self.config.core.jwt_secret)))

    async def serve_metrics_port(self, port: int) -> None:
        import uvicorn

        from oricol.app import metrics_app
        from oricol.serving import QuietServer

        async def whole_node(registry: Registry) -> str:
            return await metrics.gather(self.folder, len(self.slots), own=(None, registry.render()))

        sock = listener.open_shared(self.config.core.host, port)
        server = QuietServer(uvicorn.Config(metrics_app(self.registry, public=True, text=whole_node),
                                            lifespan="off", log_config=None, access_log=False))
        task = asyncio.create_task(server.serve(sockets=[sock]), name="oricol-metrics-port")

        async def close() -> None:
            server.should_exit = True
            await asyncio.wait([task], timeout=3)
            task.cancel()
            sock.close()
        self.closers.append(close)

    async def rotate_log_forever(self) -> None:
        from oricol.logs import rotate_if_large

        path = self.config.core.data_dir / "logs" / "oricol.jsonl"
        while True:
            await asyncio.sleep(LOG_ROTATE_EVERY)
            await asyncio.to_thread(rotate_if_large, path)

    async def stop_node_parts(self) -> None:
        for service in reversed(list(self.node_services.values())):
            with contextlib.suppress(Exception):  # keep stopping the others
                await service.stop()
        if self.db is not None:
            await self.db.close()
        for close in self.closers:
            await close()
        for task in self.background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for path in self.folder.glob("*.sock"):
            path.unlink(missing_ok=True)


async def exited(process: BaseProcess) -> None:
    """Waits without a thread: the process's sentinel fd becomes readable when it ends."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not done.done():
            done.set_result(None)

    loop.add_reader(process.sentinel, wake)
    try:
        await done
    finally:
        loop.remove_reader(process.sentinel)
    process.join()  # reaps it (it has ended: this does not block)
