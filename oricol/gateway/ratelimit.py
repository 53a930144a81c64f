"""Token-bucket rate limits per client IP and per API key, per route group.

Buckets live in this process by default, or in Redis (ORICOL_REDIS_URL) so that every node behind a
load balancer draws from one bucket. The Redis bucket is one atomic Lua script per request; while Redis
is unreachable each node draws from its own buckets (see oricol.sharedredis).
"""
from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field
from typing import Protocol

from oricol.config.gateway import Rate
from oricol.sharedredis import SharedRedis

LUA_TAKE = """
local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + (now - at) * refill)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / refill * 1000) + 1000)
return {allowed, tostring(tokens)}
"""


class BucketStore(Protocol):
    async def take(self, key: str, rate: Rate) -> float:
        """0 when a token was taken, else the seconds until one is available."""


@dataclass
class MemoryBuckets:
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)  # key -> (tokens, at)
    max_keys: int = 100_000

    async def take(self, key: str, rate: Rate) -> float:
        now = time.monotonic()
        refill = rate.count / rate.seconds
        tokens, at = self.buckets.get(key, (float(rate.count), now))
        tokens = min(float(rate.count), tokens + (now - at) * refill)
        if len(self.buckets) >= self.max_keys and key not in self.buckets:
            self.buckets.clear()  # bounded memory under an address sweep; limits restart generously
        if tokens >= 1:
            self.buckets[key] = (tokens - 1, now)
            return 0.0
        self.buckets[key] = (tokens, now)
        return (1 - tokens) / refill


@dataclass
class RedisBuckets:
    redis: SharedRedis
    prefix: str = "rl:"
    fallback: MemoryBuckets = field(default_factory=MemoryBuckets)  # while Redis is unreachable

    async def take(self, key: str, rate: Rate) -> float:
        refill = rate.count / rate.seconds
        answer = await self.redis.eval(LUA_TAKE, [self.prefix + key], [rate.count, refill, time.time()])
        if answer is None:
            return await self.fallback.take(key, rate)
        allowed, tokens = answer
        if int(allowed):
            return 0.0
        return (1 - float(tokens)) / refill


@dataclass
class RateLimiter:
    per_ip: dict[str, Rate]
    per_key: dict[str, Rate]
    store: BucketStore

    @property
    def enabled(self) -> bool:
        return bool(self.per_ip or self.per_key)

    async def check(self, group: str, ip: str | None, apikey: str | None) -> float:
        """0 if the request may go on, else the Retry-After in whole seconds."""
        wait = 0.0
        rate = self.per_ip.get(group) or self.per_ip.get("default")
        if rate and ip:
            wait = max(wait, await self.store.take(f"ip:{group}:{ip}", rate))
        rate = self.per_key.get(group) or self.per_key.get("default")
        if rate and apikey:
            digest = hashlib.sha256(apikey.encode()).hexdigest()[:32]
            wait = max(wait, await self.store.take(f"key:{group}:{digest}", rate))
        return float(math.ceil(wait)) if wait > 0 else 0.0
