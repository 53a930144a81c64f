"""Password hashing (bcrypt cost 10, as GoTrue) off the event loop, and the password rules.

bcrypt releases the GIL, so a small pool of worker threads (one per core) verifies passwords in
parallel while the event loop keeps answering other requests during a sign-in storm.
"""
from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import bcrypt

from . import errors

COST = 10
# A hash that takes as long to check as a real one: unknown emails cost the same time (no enumeration).
_DUMMY_HASH = bcrypt.hashpw(b"not-a-real-password", bcrypt.gensalt(COST, prefix=b"2a"))


def _lower_priority() -> None:
    """bcrypt threads yield to the event loop and PostgreSQL when the CPU is contended, so other
    requests stay fast during a sign-in storm; with idle cores they still run flat out."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 5)
    except (AttributeError, OSError):  # not Linux-like, or not allowed: keep the default priority
        pass


class PasswordHasher:
    def __init__(self, workers: int | None = None):
        self._pool = ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2,
                                        thread_name_prefix="oricol-bcrypt", initializer=_lower_priority)

    async def hash(self, password: str) -> str:
        def work() -> str:
            # $2a$ as GoTrue and pgcrypto write it, so either side can check the other's hashes.
            return bcrypt.hashpw(password.encode(), bcrypt.gensalt(COST, prefix=b"2a")).decode()
        return await asyncio.get_running_loop().run_in_executor(self._pool, work)

    async def verify(self, password: str, hashed: str | None) -> bool:
        target = hashed.encode() if hashed and hashed.startswith("$2") else None

        def work() -> bool:
            try:
                matches = bcrypt.checkpw(password.encode(), target or _DUMMY_HASH)
            except ValueError:  # a malformed stored hash never matches
                return False
            return matches and target is not None
        return await asyncio.get_running_loop().run_in_executor(self._pool, work)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def check_rules(password: str, min_length: int, required: tuple[str, ...]) -> None:
    """Raises GoTrue's weak_password error naming what is missing."""
    reasons: list[str] = []
    messages: list[str] = []
    if len(password) < min_length:
        reasons.append("length")
        messages.append(f"Password should be at least {min_length} characters.")
    if required and not all(any(ch in group for ch in password) for group in required):
        reasons.append("characters")
        messages.append("Password should contain at least one character of each: "
                        + ", ".join(required) + ".")
    if len(password.encode()) > 72:
        raise errors.validation("Password cannot be longer than 72 characters")
    if reasons:
        raise errors.weak_password(" ".join(messages), reasons)
