"""The configuration every service shares: secrets, addresses, the database, the data dir."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .env import ConfigError, Env

ALL_SERVICES = ("auth", "rest", "realtime", "storage", "meta", "studio", "webapp", "mail")

# The public secret of Supabase's self-hosting guide. Anything signed with it is a demo key.
DEMO_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long"
DEMO_PASSWORDS = frozenset({"your-super-secret-and-long-postgres-password", "this_password_is_insecure_and_should_be_updated"})


@dataclass(frozen=True)
class CoreConfig:
    jwt_secret: str
    anon_key: str
    service_role_key: str
    postgres_password: str
    dashboard_username: str
    dashboard_password: str
    database_url: str | None
    data_dir: Path
    db_port: int
    host: str
    port: int
    public_url: str
    site_url: str
    migrations_dir: Path
    services: tuple[str, ...]
    max_body_bytes: int
    redis_url: str | None
    replica_urls: tuple[str, ...]
    log_level: str
    pool_size: int  # per worker process: the node opens about workers × this (see oricol/workers/budget.py)
    workers: int
    dev_mode: bool
    pg_bindir: Path | None

    @property
    def embedded(self) -> bool:
        return self.database_url is None

    @property
    def pg_dir(self) -> Path:
        return self.data_dir / "postgres"

    @property
    def socket_dir(self) -> Path:
        return self.data_dir / "run"

    def runs(self, service: str) -> bool:
        return service in self.services

    @classmethod
    def from_env(cls, env: Env) -> "CoreConfig":
        host = env.str("ORICOL_HOST", "127.0.0.1")
        port = env.int("ORICOL_PORT", 8000, min=0, max=65535)
        services = env.list("ORICOL_SERVICES", ALL_SERVICES)
        unknown = sorted(set(services) - set(ALL_SERVICES))
        if unknown:
            raise ConfigError(f"ORICOL_SERVICES has unknown services {unknown}; known: {', '.join(ALL_SERVICES)}")
        scheme = "https" if env.opt("ORICOL_TLS_CERT") else "http"  # the gateway serves TLS itself
        public_url = env.str("ORICOL_PUBLIC_URL", f"{scheme}://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}")
        config = cls(
            jwt_secret=env.str("ORICOL_JWT_SECRET", required=True),
            anon_key=env.str("ORICOL_ANON_KEY", required=True),
            service_role_key=env.str("ORICOL_SERVICE_ROLE_KEY", required=True),
            postgres_password=env.str("ORICOL_POSTGRES_PASSWORD", required=True),
            dashboard_username=env.str("ORICOL_DASHBOARD_USERNAME", "admin"),
            dashboard_password=env.str("ORICOL_DASHBOARD_PASSWORD", required=True),
            database_url=env.opt("ORICOL_DATABASE_URL"),
            data_dir=env.path("ORICOL_DATA_DIR", Path("data")).resolve(),
            db_port=env.int("ORICOL_DB_PORT", 54322, min=1, max=65535),
            host=host,
            port=port,
            public_url=public_url.rstrip("/"),
            site_url=env.str("ORICOL_SITE_URL", "http://localhost:8080").rstrip("/"),
            migrations_dir=env.path("ORICOL_MIGRATIONS_DIR", Path("supabase/migrations")),
            services=services,
            max_body_bytes=env.int("ORICOL_MAX_BODY_BYTES", 10 * 1024 * 1024, min=1024),
            redis_url=env.opt("ORICOL_REDIS_URL"),
            replica_urls=env.list("ORICOL_DATABASE_REPLICA_URLS"),
            log_level=env.choice("ORICOL_LOG_LEVEL", "info", ("debug", "info", "warning", "error")),
            pool_size=env.int("ORICOL_DB_POOL_SIZE", 10, min=1, max=500),
            workers=read_workers(env),
            dev_mode=env.bool("ORICOL_DEV_MODE", True),
            pg_bindir=env.path("ORICOL_PG_BINDIR", Path()) if env.opt("ORICOL_PG_BINDIR") else None,
        )
        config.validate()
        return config

    def validate(self) -> None:
        # Imported here: config is the bottom layer and jwt sits beside it, not below it.
        from oricol import jwt as jwtlib

        if len(self.jwt_secret.encode()) < 32:
            raise ConfigError("ORICOL_JWT_SECRET must be at least 32 bytes long")
        if self.jwt_secret == DEMO_JWT_SECRET:
            raise ConfigError("ORICOL_JWT_SECRET is the public Supabase demo secret; run `oricol init` to generate one")
        if self.postgres_password in DEMO_PASSWORDS or len(self.postgres_password) < 12:
            raise ConfigError("ORICOL_POSTGRES_PASSWORD is a demo or too short a password (12 characters at least)")
        for name, key, role in (("ORICOL_ANON_KEY", self.anon_key, "anon"),
                                ("ORICOL_SERVICE_ROLE_KEY", self.service_role_key, "service_role")):
            if jwtlib.verifies_with(key, DEMO_JWT_SECRET):
                raise ConfigError(f"{name} is a public Supabase demo key; run `oricol init` to generate one")
            claims = jwtlib.decode_hs256(key, self.jwt_secret)
            if claims is None:
                raise ConfigError(f"{name} is not a valid JWT signed with ORICOL_JWT_SECRET")
            if claims.get("role") != role:
                raise ConfigError(f"{name} must carry role {role!r}, it carries {claims.get('role')!r}")


MAX_WORKERS = 256


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, e.g. a container's cpuset), not the machine's."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def read_workers(env: Env) -> int:
    """ORICOL_WORKERS: how many processes serve the gateway; `auto` is one per usable CPU."""
    value = env.opt("ORICOL_WORKERS")
    if value is not None and value.strip().lower() == "auto":
        return min(usable_cpus(), MAX_WORKERS)
    if value is not None and not value.strip().isdigit():
        raise ConfigError(f"ORICOL_WORKERS must be a whole number or auto, got {value!r}")
    return env.int("ORICOL_WORKERS", 1, min=1, max=MAX_WORKERS)
