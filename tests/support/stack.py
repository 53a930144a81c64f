"""Building Oricol for tests: configuration for a test database, the in-process app, a live server."""
from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from oricol import config as configuration
from oricol.app import Stack, build_stack
from oricol.db import Database
from oricol.initenv import generate
from oricol.serving import http_options

from .pg import free_port, free_ports

SECRETS = generate()


def environ_for(db_url: str, password: str, data_dir: Path, **overrides: Any) -> dict[str, str]:
    smtp_port, mail_http_port = free_ports(2)
    environ = {
        "ORICOL_JWT_SECRET": SECRETS["jwt_secret"],
        "ORICOL_ANON_KEY": SECRETS["anon_key"],
        "ORICOL_SERVICE_ROLE_KEY": SECRETS["service_role_key"],
        "ORICOL_POSTGRES_PASSWORD": password,
        "ORICOL_DASHBOARD_PASSWORD": SECRETS["dashboard_password"],
        "ORICOL_DATABASE_URL": db_url,
        "ORICOL_DATA_DIR": str(data_dir),
        "ORICOL_MIGRATIONS_DIR": str(data_dir / "no-migrations"),
        "ORICOL_LOG_LEVEL": "warning",
        "ORICOL_BACKUP_ENABLED": "false",
        "ORICOL_MAIL_SMTP_PORT": str(smtp_port),
        "ORICOL_MAIL_HTTP_PORT": str(mail_http_port),
        # Every test client comes from 127.0.0.1: per-IP auth limits would make tests fail each other.
        "ORICOL_AUTH_RATE_LIMITS": "false",
    }
    environ.update({k: str(v) for k, v in overrides.items()})
    return environ


def config_for(db_url: str, password: str, data_dir: Path, **overrides: Any) -> configuration.Config:
    return configuration.load(Path("/nonexistent/.env"), environ_for(db_url, password, data_dir, **overrides))


async def open_stack(config: configuration.Config, mailer: Any = None) -> Stack:
    db = await Database.connect(config.core.database_url, config.core.postgres_password, pool_size=5,
                                replica_urls=config.core.replica_urls)
    stack = build_stack(config, db, mailer)
    await stack.start()
    return stack


async def close_stack(stack: Stack) -> None:
    await stack.stop()
    await stack.platform.db.close()


def asgi_client(stack: Stack, *, key: str | None = None, token: str | None = None) -> httpx.AsyncClient:
    headers = {"apikey": key or SECRETS["anon_key"]}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=stack.gateway), base_url="http://oricol.test",
                             headers=headers)


@dataclass
class LiveServer:
    """The real gateway on a real port, in a thread with its own event loop."""

    config: configuration.Config
    mailer: Any = None  # auth's outgoing mail (a MemoryMailer in tests); None = the configured default
    url: str = ""
    anon_key: str = SECRETS["anon_key"]
    service_role_key: str = SECRETS["service_role_key"]
    jwt_secret: str = SECRETS["jwt_secret"]
    http: dict = field(default_factory=dict)  # uvicorn options over the server's own (e.g. another ws protocol)
    port: int = 0  # chosen beforehand when the configuration must name the server's own address; 0 = any free
    _thread: threading.Thread | None = None
    _server: uvicorn.Server | None = None
    _error: list = field(default_factory=list)

    @property
    def db_url(self) -> str:
        assert self.config.core.database_url
        return self.config.core.database_url

    def start(self, timeout: float = 30) -> "LiveServer":
        port = self.port or free_port()
        self.url = f"http://127.0.0.1:{port}"
        ready = threading.Event()

        def run() -> None:
            async def main() -> None:
                stack = await open_stack(self.config, self.mailer)
                try:
                    options = {**http_options(self.config), **self.http, "host": "127.0.0.1", "port": port}
                    self._server = uvicorn.Server(uvicorn.Config(stack.gateway, **options))
                    ready.set()
                    await self._server.serve()
                finally:
                    await close_stack(stack)
            try:
                asyncio.run(main())
            except BaseException as error:  # surfaced to the test that started us
                self._error.append(error)
                ready.set()

        self._thread = threading.Thread(target=run, name="oricol-live", daemon=True)
        self._thread.start()
        ready.wait(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._error:
                raise RuntimeError("live server failed to start") from self._error[0]
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code in (200, 503):
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise TimeoutError("live server did not come up")

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(15)
