"""Rate limits: fixed-window counters per (bucket, key), answering 429 when a window is full.

Counters live in this process, or in Redis when ORICOL_REDIS_URL is set, so that several auth nodes
behind a load balancer share one count instead of each allowing the whole limit. While Redis is
unreachable each node counts on its own (fail open: a Redis outage must not lock users out).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

from oricol.config.auth import RateLimits
from oricol.sharedredis import SharedRedis

from . import errors

WINDOWS = {"email": 3600, "verify": 300, "refresh": 300, "sign_in": 300, "anonymous": 3600}

# One round trip: count the request and make the window's key expire with the window.
LUA_COUNT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
end
return count
"""


class Counters(Protocol):
    async def add(self, key: str, window: int) -> int:
        """Counts one request in `key`'s current window of `window` seconds; answers the count so far."""


@dataclass
class MemoryCounters:
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (window index, count)
    max_keys: int = 100_000

    async def add(self, key: str, window: int) -> int:
        current = int(time.time()) // window
        started, count = self.counts.get(key, (current, 0))
        count = count + 1 if started == current else 1
        self.counts[key] = (current, count)
        if len(self.counts) > self.max_keys:  # forget old windows rather than grow without bound
            self.counts = {k: v for k, v in self.counts.items() if v[0] == current}
        return count


@dataclass
class RedisCounters:
    redis: SharedRedis
    prefix: str = "auth:rl:"
    fallback: MemoryCounters = field(default_factory=MemoryCounters)  # while Redis is unreachable

    async def add(self, key: str, window: int) -> int:
        current = int(time.time()) // window
        # The window index is part of the key: every node agrees on it, and a new window starts at 0.
        answer = await self.redis.eval(LUA_COUNT, [f"{self.prefix}{key}:{current}"], [window + 5])
        if answer is None:
            return await self.fallback.add(key, window)
        return int(answer)


class Limiter:
    def __init__(self, limits: RateLimits, counters: Counters | None = None):
        self.limits = limits
        self.counters: Counters = counters or MemoryCounters()

    def _limit(self, bucket: str) -> int:
        return {
            "email": self.limits.email_sent_per_hour,
            "verify": self.limits.verify_per_5min,
            "refresh": self.limits.token_refresh_per_5min,
            "sign_in": self.limits.sign_in_per_5min,
            "anonymous": self.limits.anonymous_per_hour,
        }[bucket]

    async def hit(self, bucket: str, key: str = "") -> None:
        """Counts one request; raises 429 once the bucket's window holds more than its limit."""
        if not self.limits.enabled:
            return
        # Refused requests count too: the window is full either way, and one atomic INCR needs no read first.
        if await self.counters.add(f"{bucket}:{key}", WINDOWS[bucket]) > self._limit(bucket):
            raise errors.over_email_rate_limit() if bucket == "email" else errors.over_request_rate_limit()
