"""The notification job inside `oricol start`: send what the outbox holds, warn of SLAs about to breach.

Each outbox row is sent in its own transaction that holds the row's lock (see outbox.py), so the job is
safe to run in every worker and on every node: a message goes out once. A failure is logged with its
cause and retried later with exponential back-off until the attempts run out.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import quote

import asyncpg

from oricol.config import Config

from . import outbox, render, transport

log = logging.getLogger("oricol.helpdesk.notify")

SLA_CHECK_EVERY = 60.0  # seconds between two looks for tickets about to breach


@dataclass
class Job:
    config: Config
    pool: asyncpg.Pool        # the admin pool: the outbox is the platform's bookkeeping, not user data
    sent_here: int = 0
    failed_here: int = 0
    last_sla_check: float = field(default=0.0)
    installed: bool = False   # the helpdesk schema is there (ORICOL_HELPDESK=false runs the bare platform)
    last_problem: str = ""
    on_change: Callable[[], None] | None = None  # told when rows were sent or failed (metrics refresh)

    @property
    def settings(self):
        return self.config.helpdesk_mail

    def link(self, number: str | None) -> str:
        base = self.settings.link_base
        return f"{base}/tickets/{quote(number, safe='')}" if number else f"{base}/tickets"

    async def run_once(self) -> int:
        """Sends every due row (at most a batch); returns how many it handled."""
        if not self.installed:
            self.installed = bool(await self.pool.fetchval("select to_regclass('helpdesk.notification_outbox') is not null"))
            if not self.installed:
                return 0
        if time.monotonic() - self.last_sla_check >= SLA_CHECK_EVERY:
            await self.check_sla()
        handled = 0
        while handled < self.settings.batch_size:
            if not await self.send_next():
                break
            handled += 1
        if handled and self.on_change is not None:
            self.on_change()
        return handled

    async def check_sla(self) -> int:
        self.last_sla_check = time.monotonic()
        async with self.pool.acquire() as conn:
            queued = await conn.fetchval("select helpdesk.enqueue_sla_warnings(make_interval(mins => $1))",
                                         self.settings.sla_warn_minutes)
        if queued:
            log.info("helpdesk: SLA warnings queued", extra={"count": queued})
        return queued or 0

    async def send_next(self) -> bool:
        async with self.pool.acquire() as conn:
            async with conn.transaction():
                row = await outbox.claim(conn, self.settings.max_attempts)
                if row is None:
                    return False
                try:
                    message_id = await self.deliver(conn, row)
                except Exception as error:  # every cause is logged and retried; none stops the job
                    await self.failed(conn, row, error)
                else:
                    await outbox.mark_sent(conn, row.id, message_id)
                    self.sent_here += 1
        return True

    async def deliver(self, conn: asyncpg.Connection, row: outbox.Row) -> str:
        number = row.payload.get("number")
        rendered = render.render(row.template, row.payload, link=self.link(number),
                                 fallback_subject=row.subject or "Helpdesk notification",
                                 override=self.settings.templates_dir)
        message_id = transport.new_message_id(self.settings.sender, number)
        message = transport.build(rendered, to=row.to_email, sender=self.settings.sender,
                                  reply_to=await outbox.support_address(conn, self.settings.support_address),
                                  message_id=message_id,
                                  references=await outbox.thread_of(conn, row))
        await transport.send(transport.relay_of(self.config), message)
        return message_id

    async def failed(self, conn: asyncpg.Connection, row: outbox.Row, error: Exception) -> None:
        cause = f"{error.__class__.__name__}: {error}"
        delay = outbox.retry_delay(row.attempts + 1, self.settings.retry_base_seconds, self.settings.retry_max_seconds)
        attempts = await outbox.mark_failed(conn, row.id, cause, delay)
        self.failed_here += 1
        final = attempts >= self.settings.max_attempts
        log.log(logging.ERROR if final else logging.WARNING,
                "helpdesk: notification not sent" + (", giving up" if final else ", will retry"),
                extra={"outbox_id": row.id, "template": row.template, "attempts": attempts, "error": cause,
                       **({} if final else {"retry_in_seconds": delay})})

    async def run_forever(self) -> None:
        while True:
            try:
                handled = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the database may be away for a while: keep trying
                problem = f"{error.__class__.__name__}: {error}"
                if problem != self.last_problem:  # once per new problem, not once per poll
                    log.warning("helpdesk: notification job could not run", extra={"error": problem})
                self.last_problem, handled = problem, 0
            if handled < self.settings.batch_size:
                await asyncio.sleep(self.settings.poll_seconds)
