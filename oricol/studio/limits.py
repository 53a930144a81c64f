"""Failed console sign-ins counted per client IP in fixed windows: in Redis when the platform has one
(so every node shares the count, as auth's limits do), else in this process."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from oricol.sharedredis import SharedRedis

# Add to the window's count (0 only reads it) in one round trip; the key expires with its window.
LUA_COUNT = """
if tonumber(ARGV[2]) == 0 then
  return tonumber(redis.call('GET', KEYS[1]) or '0')
end
local count = redis.call('INCRBY', KEYS[1], tonumber(ARGV[2]))
if count == tonumber(ARGV[2]) then
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
end
return count
"""


@dataclass
class FailedLogins:
    limit: int
    window: int
    redis: SharedRedis | None = None
    local: dict[str, tuple[int, int]] = field(default_factory=dict)  # ip -> (window index, failures)

    def _key(self, ip: str) -> tuple[str, int]:
        current = int(time.time()) // self.window
        return f"studio:login:{ip}:{current}", current

    async def _add(self, ip: str, amount: int) -> int:
        key, current = self._key(ip)
        if self.redis is not None:
            answer = await self.redis.eval(LUA_COUNT, [key], [self.window + 5, amount])
            if answer is not None:
                return int(answer)
        started, count = self.local.get(ip, (current, 0))
        count = (count if started == current else 0) + amount
        self.local[ip] = (current, count)
        if len(self.local) > 100_000:  # forget old windows rather than grow without bound
            self.local = {k: v for k, v in self.local.items() if v[0] == current}
        return count

    async def blocked(self, ip: str) -> int:
        """Seconds to wait when this IP has used up its failures in the current window, else 0."""
        if await self._add(ip, 0) >= self.limit:
            return self.window - int(time.time()) % self.window
        return 0

    async def failed(self, ip: str) -> None:
        await self._add(ip, 1)
