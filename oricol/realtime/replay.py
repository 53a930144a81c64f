"""Broadcast replay: a private channel may ask, when it joins, for the latest broadcasts sent from the
database to its topic (`config.broadcast.replay: {since: <ms since the epoch>, limit: <1-25>}`), as
Supabase offers. They are pushed right after the join with `meta.replayed = true`; a live copy of one
of them arriving later is not delivered twice. Public channels cannot replay (nothing authorised them).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson

HARD_LIMIT = 25
_LATEST = """
select id::text, event, payload::text from (
  select id, event, payload, inserted_at from realtime.messages
  where topic = $1 and private and extension = 'broadcast'
    and inserted_at >= (to_timestamp($2 / 1000.0) at time zone 'utc')
    and inserted_at < (now() at time zone 'utc') + interval '1 minute'
  order by inserted_at desc limit $3
) as latest order by inserted_at
"""


class ReplayError(ValueError):
    """A replay request the server refuses; the message is the join error's reason."""


@dataclass(frozen=True)
class Replay:
    since: int  # milliseconds since the epoch
    limit: int


def parse(broadcast_config: dict[str, Any], private: bool) -> Replay | None:
    raw = broadcast_config.get("replay")
    if raw is None:
        return None
    if not private:
        raise ReplayError("UnableToReplayMessages: Replay is not allowed for public channels")
    if not isinstance(raw, dict):
        raise ReplayError("UnableToReplayMessages: Replay params are not valid")
    since, limit = raw.get("since", 0), raw.get("limit", 10)
    if not _integer(since) or not _integer(limit) or since < 0:
        raise ReplayError("UnableToReplayMessages: Replay params are not valid")
    return Replay(since=since, limit=max(1, min(limit, HARD_LIMIT)))


async def latest(pool: asyncpg.Pool, topic: str, replay: Replay) -> list[dict[str, Any]]:
    """The broadcast payloads to push, oldest first."""
    rows = await pool.fetch(_LATEST, topic, replay.since, replay.limit)
    return [{"type": "broadcast", "event": row["event"], "payload": orjson.Fragment(row["payload"] or "{}"),
             "meta": {"replayed": True, "id": row["id"]}} for row in rows]


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
