"""Configuration of the meta service (postgres-meta at /pg), read from ORICOL_META_* variables."""
from __future__ import annotations

from dataclasses import dataclass

from .env import Env


@dataclass(frozen=True)
class MetaConfig:
    # postgres-meta's PG_QUERY_TIMEOUT_SECS default: no statement of a request runs longer (a /query
    # script that does answers 408 "Query read timeout"); 0 turns the limit off.
    statement_timeout_seconds: int = 55
    # The largest /query answer (its JSON, in bytes) built before giving up with RESULT_SIZE_EXCEEDED;
    # rows are read in chunks, so a huge result is never held whole. 0: no cap.
    max_result_bytes: int = 20_000_000
    # Meta has its own small pool so a long SQL-editor query never takes the platform's connections.
    pool_size: int = 3

    @classmethod
    def from_env(cls, env: Env, core: "CoreConfig") -> "MetaConfig":
        return cls(
            statement_timeout_seconds=env.int("ORICOL_META_STATEMENT_TIMEOUT", 55, min=0, max=3600),
            pool_size=env.int("ORICOL_META_POOL_SIZE", 3, min=1, max=100),
            max_result_bytes=env.int("ORICOL_META_MAX_RESULT_BYTES", 20_000_000, min=0, max=2_000_000_000),
        )


from .core import CoreConfig  # noqa: E402  (type name used in annotations only)
