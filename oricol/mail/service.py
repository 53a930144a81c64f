"""The mail catcher service (the seed's Inbucket): SMTP and a web UI/API on their own local ports.

It is not mounted on the gateway. `start()` opens both listeners in the running event loop (uvicorn
serves the HTTP app as a task, leaving the process's signals to the main server); a port that
cannot be opened is reported by `health()` instead of stopping the whole stack, since the catcher
is a development aid. With the catcher disabled nothing is started.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from typing import Callable, Iterator

import uvicorn

from oricol.config import Config
from oricol.config.mail import MailConfig
from oricol.metrics import Registry
from oricol.service import Platform, Service

from .smtp import CatchingHandler, SmtpServer
from .store import Caps, MailStore
from .web import build_app

log = logging.getLogger("oricol.mail")
HOST = "127.0.0.1"


class _EmbeddedServer(uvicorn.Server):
    """uvicorn inside someone else's loop: the main server owns SIGINT/SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class MailCatcher:
    def __init__(self, settings: MailConfig, store: MailStore):
        self.settings = settings
        self.store = store
        self.app = build_app(store, settings.smtp_port)
        self.smtp = SmtpServer(CatchingHandler(store, settings.max_recipients), HOST, settings.smtp_port,
                               settings.max_message_bytes)
        self.http: _EmbeddedServer | None = None
        self.http_task: asyncio.Task[None] | None = None
        self.http_port = settings.http_port
        self.failure: str | None = None

    async def start(self) -> None:
        if not self.settings.catcher_enabled or self.http_task is not None:
            return
        try:
            await asyncio.to_thread(self.store.load)
            await self.smtp.start()
            await self._start_http()
        except OSError as error:
            self.failure = f"down: {error.strerror or error}"
            log.error("mail catcher could not start", extra={"error": str(error)})
            await self.stop()
            return
        self.app.state.smtp_port = self.smtp.port
        self.failure = None
        log.info("mail catcher listening",
                 extra={"smtp": f"{HOST}:{self.smtp.port}", "http": f"{HOST}:{self.http_port}"})

    async def _start_http(self) -> None:
        # We bind the socket ourselves: uvicorn exits the process when it cannot bind.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # so asyncio sets TCP_NODELAY
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((HOST, self.settings.http_port))
        except OSError:
            sock.close()
            raise
        self.http_port = sock.getsockname()[1]
        self.http = _EmbeddedServer(uvicorn.Config(
            self.app, lifespan="off", log_config=None, access_log=False, server_header=False,
            timeout_graceful_shutdown=3))
        self.http_task = asyncio.create_task(self.http.serve(sockets=[sock]), name="oricol-mail-http")
        while not self.http.started and not self.http_task.done():  # noqa: ASYNC110 - uvicorn sets a flag, no event
            await asyncio.sleep(0.01)
        if self.http_task.done():
            error = self.http_task.exception()
            raise OSError(f"the mail web server stopped at start: {error!r}")

    async def stop(self) -> None:
        await self.smtp.stop()
        if self.http is not None and self.http_task is not None:
            self.http.should_exit = True
            try:
                await asyncio.wait_for(asyncio.shield(self.http_task), timeout=10)
            except (asyncio.TimeoutError, Exception):
                self.http_task.cancel()
        self.http, self.http_task = None, None

    async def health(self) -> str:
        if not self.settings.catcher_enabled:
            return "up"
        if self.failure:
            return self.failure
        if not self.smtp.serving:
            return "down: SMTP is not listening"
        if self.http is None or self.http_task is None or self.http_task.done() or not self.http.started:
            return "down: the web UI is not listening"
        return "up"


def metrics_of(catcher: MailCatcher) -> Callable[[Registry], None]:
    def register(registry: Registry) -> None:
        registry.collector("oricol_mail_messages", "gauge", "Messages kept by the mail catcher",
                           lambda: [("oricol_mail_messages", (), catcher.store.count)])
        registry.collector("oricol_mail_stored_bytes", "gauge", "Bytes of mail kept by the mail catcher",
                           lambda: [("oricol_mail_stored_bytes", (), catcher.store.stored_bytes)])
    return register


def create(platform: Platform) -> Service:
    return from_config(platform.config)


def from_config(config: Config) -> Service:
    """The catcher needs no database: the supervisor of a multi-worker node runs it from the config alone."""
    settings = config.mail
    caps = Caps(per_mailbox=settings.mailbox_cap, total=settings.total_cap, total_bytes=settings.storage_cap_bytes)
    catcher = MailCatcher(settings, MailStore(config.core.data_dir / "mail", caps))
    return Service(name="mail", app=catcher.app, start=catcher.start, stop=catcher.stop, health=catcher.health,
                   extras={"catcher": catcher, "register_metrics": metrics_of(catcher)})
