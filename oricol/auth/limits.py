"""Rate limits: fixed-window counters per (bucket, key), answering 429 when a window is full.

Counters live in this process. With several auth nodes each enforces its own share; a shared
counter in Redis is the scale-out step (see DESIGN.md), not needed for one node.
"""
from __future__ import annotations

import time

from oricol.config.auth import RateLimits

from . import errors

WINDOWS = {"email": 3600, "verify": 300, "refresh": 300, "sign_in": 300, "anonymous": 3600}


class Limiter:
    def __init__(self, limits: RateLimits):
        self.limits = limits
        self._counts: dict[tuple[str, str], tuple[int, int]] = {}

    def _limit(self, bucket: str) -> int:
        return {
            "email": self.limits.email_sent_per_hour,
            "verify": self.limits.verify_per_5min,
            "refresh": self.limits.token_refresh_per_5min,
            "sign_in": self.limits.sign_in_per_5min,
            "anonymous": self.limits.anonymous_per_hour,
        }[bucket]

    def hit(self, bucket: str, key: str = "") -> None:
        """Counts one request; raises 429 when the bucket's window is already full."""
        if not self.limits.enabled:
            return
        window = WINDOWS[bucket]
        current = int(time.time()) // window
        started, count = self._counts.get((bucket, key), (current, 0))
        if started != current:
            count = 0
        if count >= self._limit(bucket):
            raise errors.over_email_rate_limit() if bucket == "email" else errors.over_request_rate_limit()
        self._counts[(bucket, key)] = (current, count + 1)
        if len(self._counts) > 100_000:  # forget old windows rather than grow without bound
            self._counts = {k: v for k, v in self._counts.items() if v[0] == current}
