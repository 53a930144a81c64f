"""The Redis client a process uses for counters shared between nodes (gateway buckets, auth limits).

Both users run one Lua script per check, and both must keep serving when Redis is unreachable: a
rate limit that locks every user out during a Redis outage does more harm than the abuse it stops.
So a failed call answers None, the caller counts in its own process instead (each node enforcing
the limit on its own, as without Redis), and the outage is logged once a minute, not once a request.
After a failure Redis is left alone for a few seconds so that requests do not each wait on it.
Keys carry the deployment's database name, so two deployments on one Redis keep their own counts.
"""
from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any, Sequence
from urllib.parse import urlsplit

log = logging.getLogger("oricol.redis")


def connect(url: str) -> Any:
    """A lazy client (nothing connects until the first call) with short timeouts: a counter is worth
    a millisecond, not a stalled request."""
    import redis.asyncio as redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    return redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=1.0,
                          retry=Retry(NoBackoff(), 1))  # one immediate retry covers a pooled socket gone stale


def _unreachable_errors() -> tuple[type[BaseException], ...]:
    from redis import exceptions

    # ReadOnlyError: a replica promoted mid-failover. Script errors (ResponseError) are bugs: let them raise.
    return (exceptions.ConnectionError, exceptions.TimeoutError, exceptions.ReadOnlyError, OSError,
            asyncio.TimeoutError)


def namespace_for(database_url: str) -> str:
    """Every node of one deployment writes to one primary database: its name names the deployment."""
    name = urlsplit(database_url).path.lstrip("/") or "postgres"
    return "oricol:" + re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:63] + ":"


@dataclass
class SharedRedis:
    client: Any  # redis.asyncio.Redis
    namespace: str = "oricol:"  # the prefix of every key
    pause: float = 5.0  # seconds to count locally after a failure before trying Redis again
    warn_every: float = 60.0
    _down_until: float = 0.0
    _warned_at: float = -math.inf
    _errors: tuple[type[BaseException], ...] = field(default_factory=_unreachable_errors)

    @classmethod
    def from_url(cls, url: str, database_url: str) -> "SharedRedis":
        return cls(connect(url), namespace_for(database_url))

    async def eval(self, script: str, keys: Sequence[str], args: Sequence[Any]) -> Any | None:
        """Runs `script` on `keys` (namespaced here). The script's answer, or None when Redis cannot be reached
        (the caller then counts locally)."""
        now = time.monotonic()
        if now < self._down_until:
            return None
        try:
            return await self.client.eval(script, len(keys), *(self.namespace + key for key in keys), *args)
        except self._errors as error:
            self._down_until = now + self.pause
            if now - self._warned_at >= self.warn_every:
                self._warned_at = now
                log.warning("redis unreachable (%s: %s); rate limits are counted per node until it is back",
                            error.__class__.__name__, error)
            return None

    async def close(self) -> None:
        await self.client.aclose()
