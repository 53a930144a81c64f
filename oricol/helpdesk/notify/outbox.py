"""The outbox's SQL: claim a due row (one node only), mark it sent or failed, count for status/metrics.

A row is queued while `sent_at` is null and it has attempts left; it is claimed with
`for update skip locked` inside the transaction that sends it, so two nodes (or two workers) never
send the same row: the second one skips it while the first holds it, and finds it sent afterwards.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

CLAIM = """
select id, kind, to_email, subject, template, payload, ticket_id, attempts
from helpdesk.notification_outbox
where sent_at is null and attempts < $1 and send_after <= now()
order by send_after, id
limit 1
for update skip locked
"""

THREAD = """
select message_id from helpdesk.notification_outbox
where ticket_id = $1 and lower(to_email) = lower($2) and sent_at is not null and message_id is not null
order by id
limit 1
"""

SUPPORT = "select value #>> '{}' from helpdesk.settings where key = 'support_address'"

MARK_SENT = """
update helpdesk.notification_outbox
set sent_at = now(), attempts = attempts + 1, last_error = null, message_id = $2
where id = $1
"""

MARK_FAILED = """
update helpdesk.notification_outbox
set attempts = attempts + 1, last_error = left($2, 2000), send_after = now() + make_interval(secs => $3)
where id = $1
returning attempts
"""

COUNTS = """
select count(*) filter (where sent_at is not null) as sent,
       count(*) filter (where sent_at is null and attempts >= $1) as failed,
       count(*) filter (where sent_at is null and attempts < $1) as queued,
       coalesce(extract(epoch from now() - min(created_at) filter (where sent_at is null and attempts < $1)), 0)
         as oldest_queued_seconds
from helpdesk.notification_outbox
"""


@dataclass(frozen=True)
class Row:
    id: int
    kind: str
    to_email: str
    subject: str
    template: str
    payload: dict[str, Any]
    ticket_id: str | None
    attempts: int


def _row(record: asyncpg.Record) -> Row:
    payload = record["payload"]
    if isinstance(payload, str):  # jsonb arrives as text unless a codec is set on the pool
        import orjson
        payload = orjson.loads(payload)
    return Row(id=record["id"], kind=record["kind"], to_email=record["to_email"], subject=record["subject"] or "",
               template=record["template"], payload=payload or {},
               ticket_id=str(record["ticket_id"]) if record["ticket_id"] else None, attempts=record["attempts"])


async def claim(conn: asyncpg.Connection, max_attempts: int) -> Row | None:
    record = await conn.fetchrow(CLAIM, max_attempts)
    return _row(record) if record is not None else None


async def thread_of(conn: asyncpg.Connection, row: Row) -> list[str]:
    """The first mail this recipient got about the ticket: later ones reference it, so mail readers thread them."""
    if row.ticket_id is None:
        return []
    first = await conn.fetchval(THREAD, row.ticket_id, row.to_email)
    return [first] if first else []


async def support_address(conn: asyncpg.Connection, configured: str) -> str:
    """Where replies go: the admin's setting (helpdesk.settings 'support_address') over the configuration."""
    setting = await conn.fetchval(SUPPORT)
    return setting.strip() if setting and "@" in setting else configured


async def mark_sent(conn: asyncpg.Connection, row_id: int, message_id: str) -> None:
    await conn.execute(MARK_SENT, row_id, message_id)


async def mark_failed(conn: asyncpg.Connection, row_id: int, error: str, retry_in: float) -> int:
    return await conn.fetchval(MARK_FAILED, row_id, error, retry_in)


async def counts(conn: asyncpg.Connection, max_attempts: int) -> dict[str, float]:
    record = await conn.fetchrow(COUNTS, max_attempts)
    return {key: float(record[key]) for key in ("sent", "failed", "queued", "oldest_queued_seconds")}


def retry_delay(attempts_done: int, base: float, ceiling: float) -> float:
    """Exponential back-off: base, 2×base, 4×base, ... never more than the ceiling."""
    return min(ceiling, base * (2 ** max(0, attempts_done - 1)))
