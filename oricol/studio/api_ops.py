"""The console's endpoints no other service has: configuration for the screens, the request logs,
health, backups (list, run now, download) and metrics at a glance. All need a live session; the
callables behind them come from the composition root (hooks.OpsHooks)."""
from __future__ import annotations

import asyncio
import logging
import queue
import tarfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from oricol.config import Config
from oricol.errors import ApiError

from . import errors, glance
from .guard import Guard, json_response
from .hooks import OpsHooks
from .logs_read import LogFilter, search

log = logging.getLogger("oricol.studio")
STALLED_SECONDS = 60  # a download whose reader takes nothing for this long is abandoned
FILTERS = ("service", "status", "path", "user", "level", "text", "since", "until", "after")


def guarded(handler):
    """Runs `handler(self, request)` only for a live session (and CSRF on writes)."""
    async def endpoint(self, request: Request) -> Response:
        try:
            await self.guard.request(request)
        except ApiError as refused:
            return errors.response(refused)
        return await handler(self, request)
    endpoint.__name__ = handler.__name__
    return endpoint


class OpsApi:
    def __init__(self, config: Config, guard: Guard, hooks: OpsHooks):
        self.config, self.guard, self.hooks = config, guard, hooks
        self.running: asyncio.Task | None = None

    def mail_url(self) -> str | None:
        if not self.config.mail.catcher_enabled or not self.config.mail.http_port:
            return None
        host = urlsplit(self.config.core.public_url).hostname or "127.0.0.1"
        return f"http://{host}:{self.config.mail.http_port}"

    @guarded
    async def settings(self, request: Request) -> Response:
        """What the screens need to show snippets and links: never the service key or the JWT secret."""
        core = self.config.core
        return json_response({"api_url": core.public_url, "anon_key": core.anon_key, "mail_url": self.mail_url(),
                              "services": list(core.services),
                              "statement_timeout_seconds": self.config.meta.statement_timeout_seconds})

    @guarded
    async def logs(self, request: Request) -> Response:
        query = request.query_params
        wanted = LogFilter(**{name: query.get(name) or None for name in FILTERS})
        try:
            limit = min(max(int(query.get("limit", "200")), 1), 1000)
        except ValueError:
            return json_response({"message": "limit must be a whole number"}, 400)
        path = self.config.core.data_dir / "logs" / "oricol.jsonl"
        entries = await asyncio.to_thread(search, path, wanted, limit)
        return json_response({"entries": entries, "file": path.name})

    @guarded
    async def health(self, request: Request) -> Response:
        status, body = await self.hooks.health()
        return json_response(body)

    @guarded
    async def metrics(self, request: Request) -> Response:
        return json_response(glance.summary(await self.hooks.metrics_text()))

    @guarded
    async def backups(self, request: Request) -> Response:
        listed = await asyncio.to_thread(self.hooks.backups)
        return json_response({"backups": listed, "running": self.running is not None and not self.running.done(),
                              "enabled": self.config.backup.enabled, "dir": str(self.config.backup.dir)})

    @guarded
    async def run_backup(self, request: Request) -> Response:
        """Runs a backup and answers when it is written (the screen shows a spinner meanwhile)."""
        if self.running is not None and not self.running.done():
            return json_response({"message": "A backup is already running"}, 409)
        self.running = asyncio.get_running_loop().create_task(self.hooks.run_backup())
        try:
            written = await asyncio.shield(self.running)
        except Exception as error:
            log.warning("studio backup failed", extra={"error": f"{error.__class__.__name__}: {error}"})
            return json_response({"message": f"The backup failed: {error}"}, 500)
        return json_response(written, 201)

    @guarded
    async def download(self, request: Request) -> Response:
        name = request.path_params["name"]
        folder = await asyncio.to_thread(self.hooks.backup_folder, name)
        if folder is None:
            return json_response({"message": f"No backup called {name!r}"}, 404)
        return StreamingResponse(tar_stream(folder), media_type="application/x-tar", headers={
            "content-disposition": f'attachment; filename="{folder.name}.tar"', "cache-control": "no-store"})


class _QueueWriter:
    def __init__(self, out: queue.Queue):
        self.out = out

    def write(self, data: bytes) -> int:
        # A reader that went away (the download was cancelled) stops the producer instead of blocking it.
        self.out.put(bytes(data), timeout=STALLED_SECONDS)
        return len(data)


def tar_stream(folder: Path):
    """A tar of `folder` produced by a thread into a small queue, so a large dump never sits in memory."""
    chunks: queue.Queue = queue.Queue(maxsize=16)

    def produce() -> None:
        try:
            # Stream mode only writes; typeshed's file protocol also asks for read, seek and tell.
            with tarfile.open(fileobj=_QueueWriter(chunks), mode="w|",  # type: ignore[call-overload]
                              bufsize=256 * 1024) as tar:
                tar.add(folder, arcname=folder.name)
        except queue.Full:
            log.warning("studio backup download abandoned by the client", extra={"backup": folder.name})
        finally:
            try:
                chunks.put(None, timeout=STALLED_SECONDS)
            except queue.Full:
                pass

    threading.Thread(target=produce, name="studio-backup-tar", daemon=True).start()
    while (chunk := chunks.get()) is not None:
        yield chunk
