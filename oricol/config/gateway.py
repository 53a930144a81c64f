"""Gateway settings: rate limits per route group (per client IP and per API key) and metrics."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from oricol.clientaddr import Network, parse_networks

from .core import CoreConfig
from .env import ConfigError, Env

GROUPS = ("auth", "rest", "realtime", "storage", "meta", "studio", "default")


@dataclass(frozen=True)
class Rate:
    """`count` requests per `seconds`, with bursts up to `count` (a token bucket)."""

    count: int
    seconds: float


@dataclass(frozen=True)
class GatewayConfig:
    rate_limit_ip: dict[str, Rate]
    rate_limit_key: dict[str, Rate]
    metrics_port: int | None
    metrics_public: bool
    # Peers (CIDRs) whose X-Forwarded-For / X-Forwarded-Proto are believed; empty: none, the socket's peer is the client.
    trusted_proxies: tuple[Network, ...] = ()
    tls_cert: Path | None = None  # PEM certificate chain: the gateway serves HTTPS and WSS itself
    tls_key: Path | None = None

    @classmethod
    def from_env(cls, env: Env, core: CoreConfig) -> "GatewayConfig":
        port = env.int("ORICOL_METRICS_PORT", 0, min=0, max=65535)
        return cls(
            rate_limit_ip=parse_rates("ORICOL_RATE_LIMIT_IP", env.opt("ORICOL_RATE_LIMIT_IP")),
            rate_limit_key=parse_rates("ORICOL_RATE_LIMIT_KEY", env.opt("ORICOL_RATE_LIMIT_KEY")),
            metrics_port=port or None,
            metrics_public=env.bool("ORICOL_METRICS_PUBLIC", False),
            trusted_proxies=_trusted_proxies(env),
            **_tls(env),
        )


def _tls(env: Env) -> dict[str, Path]:
    """Both files or neither; each must be readable now (they are read again on SIGHUP)."""
    cert, key = env.opt("ORICOL_TLS_CERT"), env.opt("ORICOL_TLS_KEY")
    if cert is None and key is None:
        return {}
    if cert is None or key is None:
        raise ConfigError("ORICOL_TLS_CERT and ORICOL_TLS_KEY go together: set both (or neither)")
    paths = {"tls_cert": Path(cert).expanduser().resolve(), "tls_key": Path(key).expanduser().resolve()}
    for (_field, path), name in zip(paths.items(), ("ORICOL_TLS_CERT", "ORICOL_TLS_KEY")):
        try:
            path.read_bytes()
        except OSError as error:
            raise ConfigError(f"{name}: cannot read {path} ({error.strerror})") from None
    return paths

def _trusted_proxies(env: Env) -> tuple[Network, ...]:
    try:
        return parse_networks(env.list("ORICOL_TRUSTED_PROXIES", ()))
    except ValueError as error:
        raise ConfigError(f"ORICOL_TRUSTED_PROXIES: {error}") from None


def parse_rates(name: str, text: str | None) -> dict[str, Rate]:
    """`auth=300/60,rest=6000/60` → per-group rates; `0` or absent means unlimited."""
    rates: dict[str, Rate] = {}
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        group, sep, spec = item.partition("=")
        count, slash, seconds = spec.partition("/")
        if not sep or group not in GROUPS:
            raise ConfigError(f"{name}: expected group=count/seconds with group one of {', '.join(GROUPS)}, got {item!r}")
        try:
            rate = Rate(int(count), float(seconds) if slash else 1.0)
        except ValueError:
            raise ConfigError(f"{name}: {item!r} is not count/seconds, e.g. auth=300/60") from None
        if rate.count < 0 or rate.seconds <= 0:
            raise ConfigError(f"{name}: {item!r} must have a count >= 0 and seconds > 0")
        if rate.count:
            rates[group] = rate
    return rates
