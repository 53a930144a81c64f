"""The composition root: builds each enabled service from explicit parts and the gateway over them."""
from __future__ import annotations

import asyncio
import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from oricol.config import Config
from oricol.db import Database
from oricol.gateway.app import Gateway
from oricol.gateway.observe import RequestMetrics
from oricol.gateway.ratelimit import MemoryBuckets, RateLimiter, RedisBuckets
from oricol.jwt import Verifier, signing_key
from oricol.mailer import Mailer, SmtpMailer
from oricol.metrics import Registry
from oricol.service import Platform, Service
from oricol.sharedredis import SharedRedis

if TYPE_CHECKING:  # imported where it is built, so a stack without the studio never loads it
    from oricol.studio.hooks import OpsHooks

GATEWAY_SERVICES = ("auth", "rest", "realtime", "storage", "meta", "studio", "webapp")


def default_mailer(config: Config) -> Mailer:
    """Auth's outgoing mail: the configured relay, or the local catcher in development."""
    relay = config.auth.smtp
    if relay is not None:
        return SmtpMailer(host=relay.host, port=relay.port, sender=relay.sender, username=relay.username,
                          password=relay.password, tls=relay.tls)
    return SmtpMailer(host="127.0.0.1", port=config.mail.smtp_port, sender="Oricol <noreply@oricol.local>")


def studio_hooks(platform: Platform, holder: dict[str, "Stack"]) -> "OpsHooks":
    """What the console's Operations screen reads, wired here so the studio imports neither the backup
    package nor the stack: health and metrics of this node, the backup folder, a backup run now."""
    from oricol.backup import job, listing
    from oricol.studio.hooks import OpsHooks

    config = platform.config

    async def health() -> tuple[int, dict]:
        return await holder["stack"].health()

    async def metrics_text() -> str:
        stack = holder["stack"]
        return await (stack.node.metrics_text(stack.registry) if stack.node else _own_text(stack.registry))

    async def run_backup() -> dict:
        written = await job.run(config, platform.db.admin_url, "studio")
        return {"name": written.name, "bytes": written.bytes, "missing": written.missing}

    return OpsHooks(health=health, metrics_text=metrics_text, run_backup=run_backup,
                    backups=lambda: listing.describe(config.backup.dir),
                    backup_folder=lambda name: listing.folder_of(config.backup.dir, name))


def make_services(platform: Platform, mailer: Mailer, holder: dict | None = None) -> dict[str, Service]:
    services: dict[str, Service] = {}
    for name in platform.config.core.services:
        module = importlib.import_module(f"oricol.{name}.service")
        if name == "auth":
            services[name] = module.create(platform, mailer)
        elif name == "studio":
            services[name] = module.create(platform, studio_hooks(platform, holder if holder is not None else {}))
        else:
            services[name] = module.create(platform)
    mail = platform.config.helpdesk_mail
    helpdesk = platform.config.helpdesk.enabled
    if helpdesk and mail.notify_enabled:  # safe in every worker and node: each outbox row is claimed by one
        from oricol.helpdesk.notify.service import create as helpdesk_notify

        services["helpdesk-notify"] = helpdesk_notify(platform)
    if helpdesk and mail.inbound_port:  # every worker listens on the port (SO_REUSEPORT); each mail is filed once
        from oricol.helpdesk.inbound.service import create as helpdesk_inbound

        services["helpdesk-inbound"] = helpdesk_inbound(platform)
    if platform.config.backup.enabled:  # a background schedule, not a gateway service
        from oricol.backup.service import create as backup_schedule

        services["backup"] = backup_schedule(platform)
    if platform.config.helpdesk.enabled:  # the helpdesk's jobs; its data is served by rest/realtime/storage
        from oricol.helpdesk.service import create as helpdesk_service

        services["helpdesk"] = helpdesk_service(platform)
    return services


@dataclass(frozen=True)
class NodeHooks:
    """What a worker process gets from the node it belongs to (oricol.workers): /metrics over all of the
    node's processes, and the health of the parts the supervisor runs (mail catcher, workers)."""

    metrics_text: Callable[[Registry], Awaitable[str]]
    health: Callable[[], Awaitable[dict]]  # {"parts": {name: state}, "workers": {...}}


@dataclass
class Stack:
    """The running services and the gateway in front of them."""

    platform: Platform
    services: dict[str, Service]
    gateway: Gateway
    registry: Registry
    node: NodeHooks | None = None

    async def start(self) -> None:
        for service in self.services.values():
            await service.start()
        if self.platform.db.replicas:
            self._replica_watch = asyncio.get_running_loop().create_task(self._watch_replicas())

    async def _watch_replicas(self, every: float = 2.0) -> None:
        while True:
            await self.platform.db.check_replicas()
            await asyncio.sleep(every)

    async def stop(self) -> None:
        watch = getattr(self, "_replica_watch", None)
        if watch is not None:
            watch.cancel()
        for service in reversed(list(self.services.values())):
            try:
                await service.stop()
            except Exception:  # keep stopping the others
                pass
        if self.platform.redis is not None:
            await self.platform.redis.close()

    async def health(self) -> tuple[int, dict]:
        report: dict[str, str] = {}
        try:
            await asyncio.wait_for(self.platform.db.admin.fetchval("select 1"), timeout=2)
            report["database"] = "up"
        except Exception as error:  # any failure means the database is not usable
            report["database"] = f"down: {error.__class__.__name__}"
        for name, service in self.services.items():
            try:
                report[name] = await asyncio.wait_for(service.health(), timeout=2)
            except Exception as error:
                report[name] = f"down: {error.__class__.__name__}"
        node = await self.node.health() if self.node is not None else {}
        report.update(node.get("parts", {}))
        down = sorted(name for name, state in report.items() if state != "up")
        body: dict[str, Any] = {"status": "healthy" if not down else "unhealthy", "parts": report}
        if "workers" in node:
            body["workers"] = node["workers"]
        if down:
            body["down"] = down
        return (200 if not down else 503), body


def pool_samples(db: Database):
    for name, pool in (("app", db.app), ("admin", db.admin)):
        size, idle = pool.get_size(), pool.get_idle_size()
        yield "oricol_db_pool_connections", (("pool", name), ("state", "in_use")), size - idle
        yield "oricol_db_pool_connections", (("pool", name), ("state", "idle")), idle
        yield "oricol_db_pool_connections", (("pool", name), ("state", "max")), pool.get_max_size()


def rate_limiter(config: Config, redis: SharedRedis | None) -> RateLimiter:
    store: MemoryBuckets | RedisBuckets = MemoryBuckets() if redis is None else RedisBuckets(redis)
    return RateLimiter(per_ip=config.gateway.rate_limit_ip, per_key=config.gateway.rate_limit_key, store=store)


async def _own_text(registry: Registry) -> str:
    return registry.render()


def metrics_app(registry: Registry, *, public: bool, text: Callable[[Registry], Awaitable[str]] = _own_text):
    """GET /metrics in Prometheus text format; the service_role key is needed unless public. `text` renders
    the registry (a worker's renders the whole node's, see oricol.workers.metrics)."""
    from oricol.identity import identity_of

    async def app(scope: dict, receive, send) -> None:
        if not public and not identity_of(scope).is_service_role:
            status, body, kind = 403, b'{"message":"The metrics need the service_role key"}', b"application/json"
        else:
            status, body, kind = 200, (await text(registry)).encode(), b"text/plain; version=0.0.4; charset=utf-8"
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
    return app


def build_stack(config: Config, db: Database, mailer: Mailer | None = None, node: NodeHooks | None = None) -> Stack:
    verifier = Verifier(secret=config.core.jwt_secret)
    key_file = getattr(config.auth, "jwt_key_file", None)
    if key_file is not None:  # auth signs with an asymmetric key: every service accepts its public half
        key = signing_key(key_file, config.auth.jwt_algorithm)
        verifier.public_keys[key.kid] = key.public_key
    # One lazy client per process (no connection until the first counter) for the gateway and auth limits.
    redis = SharedRedis.from_url(config.core.redis_url, db.admin_url) if config.core.redis_url else None
    platform = Platform(config=config, db=db, verifier=verifier, redis=redis)
    holder: dict[str, Stack] = {}
    services = make_services(platform, mailer or default_mailer(config), holder)
    registry = Registry()
    registry.collector("oricol_db_pool_connections", "gauge", "Database pool connections by pool and state",
                       lambda: pool_samples(db))
    for service in services.values():
        register = service.extras.get("register_metrics")
        if register is not None:
            register(registry)

    async def health() -> tuple[int, dict]:
        return await holder["stack"].health()

    gateway = Gateway(
        verifier=verifier,
        services={name: s.app for name, s in services.items() if name in GATEWAY_SERVICES},
        health=health,
        anon_key=config.core.anon_key,
        service_role_key=config.core.service_role_key,
        max_body_bytes=config.core.max_body_bytes,
        extra_routes={"/metrics": metrics_app(registry, public=config.gateway.metrics_public,
                                              text=node.metrics_text if node is not None else _own_text)},
        limiter=rate_limiter(config, redis),
        metrics=RequestMetrics(registry),
        console_auth=services["studio"].extras.get("authenticate") if "studio" in services else None,
        trusted_proxies=config.gateway.trusted_proxies,
        formats={name: s.errors for name, s in services.items() if name in GATEWAY_SERVICES},
    )
    stack = Stack(platform=platform, services=services, gateway=gateway, registry=registry, node=node)
    holder["stack"] = stack
    return stack
