"""Delivery guarantees of the notification job: each row sent once even with several jobs at once
(`for update skip locked`), failures retried with back-off and logged with their cause, the attempts
bounded, and the counts visible on /metrics and in `oricol status`."""
from __future__ import annotations

import asyncio
import logging
import re

import httpx
import pytest

from oricol.db import Database
from oricol.helpdesk.notify.job import Job
from oricol.helpdesk.notify.status import status_lines
from tests.helpdesk.mailsupport import mailbox, wait_for_mail
from tests.support.pg import free_port
from tests.support.stack import close_stack, config_for, open_stack


async def queue(admin, count: int, to: str = "pat@example.com") -> None:
    await admin.execute(
        "insert into helpdesk.notification_outbox (kind, to_email, subject, template, payload) "
        "select 'test', $2, 'Hello ' || n, 'status_changed', "
        "       jsonb_build_object('number', 'HD-' || (5000 + n), 'title', 'T' || n, 'status', 'open') "
        "from generate_series(1, $1) n", count, to)


@pytest.fixture
async def stack(db_url, pg_server, tmp_path):
    # The stack's own job is off: these tests run jobs by hand, several at once.
    config = config_for(db_url, pg_server.password, tmp_path, ORICOL_HELPDESK_NOTIFY="false")
    running = await open_stack(config)
    yield running
    await close_stack(running)


@pytest.fixture
async def catcher(stack):
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{stack.platform.config.mail.http_port}") as http:
        yield http


async def test_several_jobs_send_each_message_once(stack, catcher, admin, pg_server, db_url):
    await queue(admin, 30)
    # Three "nodes", each with its own pool, racing for the same rows.
    nodes = [await Database.connect(db_url, pg_server.password, pool_size=3) for _ in range(3)]
    try:
        jobs = [Job(config=stack.platform.config, pool=node.admin) for node in nodes]
        await asyncio.gather(*(job.run_once() for job in jobs for _ in range(2)))
    finally:
        for node in nodes:
            await node.close()
    errors = await admin.fetch("select last_error from helpdesk.notification_outbox where last_error is not null")
    assert sum(job.sent_here for job in jobs) == 30, errors
    assert sum(1 for job in jobs if job.sent_here) >= 2  # the work really was shared
    subjects = sorted(m["subject"] for m in await wait_for_mail(catcher, "pat", 30))
    assert len(subjects) == 30 and len(set(subjects)) == 30
    assert await admin.fetchval("select count(*) from helpdesk.notification_outbox where sent_at is null") == 0


async def test_failures_back_off_then_give_up_with_the_cause_logged(db_url, pg_server, tmp_path, admin, caplog):
    dead_port = free_port()  # nothing listens there
    config = config_for(db_url, pg_server.password, tmp_path, ORICOL_HELPDESK_NOTIFY="false",
                        ORICOL_SMTP_HOST="127.0.0.1", ORICOL_SMTP_PORT=str(dead_port), ORICOL_SMTP_TLS="none",
                        ORICOL_HELPDESK_NOTIFY_MAX_ATTEMPTS="3", ORICOL_HELPDESK_NOTIFY_RETRY_SECONDS="60")
    stack = await open_stack(config)
    try:
        await queue(admin, 1)
        job = Job(config=config, pool=stack.platform.db.admin)
        with caplog.at_level(logging.WARNING, logger="oricol.helpdesk.notify"):
            assert await job.run_once() == 1
        row = await admin.fetchrow("select attempts, last_error, send_after - now() as wait, sent_at "
                                   "from helpdesk.notification_outbox")
        assert row["attempts"] == 1 and row["sent_at"] is None
        assert "ConnectionRefusedError" in row["last_error"]
        assert 55 <= row["wait"].total_seconds() <= 60  # the first back-off step
        assert any("will retry" in r.message and "ConnectionRefused" in r.error for r in caplog.records)
        assert await job.run_once() == 0  # not due yet
        for expected_wait in (120, None):
            await admin.execute("update helpdesk.notification_outbox set send_after = now()")
            assert await job.run_once() == 1
            wait = await admin.fetchval("select extract(epoch from send_after - now()) from helpdesk.notification_outbox")
            if expected_wait:
                assert expected_wait - 5 <= wait <= expected_wait  # doubled
        assert any("giving up" in r.message for r in caplog.records)
        await admin.execute("update helpdesk.notification_outbox set send_after = now()")
        assert await job.run_once() == 0  # out of attempts: never sent again
        assert await admin.fetchval("select attempts from helpdesk.notification_outbox") == 3
        assert await asyncio.to_thread(status_lines, config, db_url) == [
            "  notify     helpdesk mail: 0 sent, 1 failed, 0 queued"]
    finally:
        await close_stack(stack)


async def test_a_missing_template_is_a_logged_failure_not_a_stuck_job(stack, catcher, admin):
    await admin.execute("insert into helpdesk.notification_outbox (kind, to_email, subject, template) "
                        "values ('x', 'pat@example.com', 'Broken', 'no_such_template')")
    await queue(admin, 1)
    job = Job(config=stack.platform.config, pool=stack.platform.db.admin)
    assert await job.run_once() == 2
    errors = await admin.fetch("select template, last_error from helpdesk.notification_outbox")
    assert job.sent_here == 1 and job.failed_here == 1, errors
    error = await admin.fetchval("select last_error from helpdesk.notification_outbox where template = 'no_such_template'")
    assert "TemplateMissing" in error
    assert len(await mailbox(catcher, "pat")) == 1


async def test_counts_on_metrics_and_status(db_url, pg_server, tmp_path, admin):
    config = config_for(db_url, pg_server.password, tmp_path, ORICOL_HELPDESK_NOTIFY_POLL_SECONDS="0.1")
    await queue(admin, 2)
    await admin.execute("insert into helpdesk.notification_outbox (kind, to_email, subject, template, send_after, "
                        "created_at) values ('x', 'later@example.com', 'Later', 'status_changed', "
                        "now() + interval '1 hour', now() - interval '90 seconds')")
    stack = await open_stack(config)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{config.mail.http_port}") as http:
            await wait_for_mail(http, "pat", 2)
        deadline = asyncio.get_running_loop().time() + 10
        while 'oricol_helpdesk_mail_outbox{state="sent"} 2' not in stack.registry.render():
            assert asyncio.get_running_loop().time() < deadline, stack.registry.render()
            await asyncio.sleep(0.1)
        text = stack.registry.render()
        assert 'oricol_helpdesk_mail_outbox{state="queued"} 1' in text
        assert 'oricol_helpdesk_mail_outbox{state="failed"} 0' in text
        age = float(re.search(r"^oricol_helpdesk_mail_oldest_queued_seconds (\S+)$", text, re.M).group(1))
        assert 89 <= age < 200
        (line,) = await asyncio.to_thread(status_lines, config, db_url)
        assert line.startswith("  notify     helpdesk mail: 2 sent, 0 failed, 1 queued (oldest ")
        status, health = await stack.health()
        assert health["parts"]["helpdesk-notify"] == "up"
    finally:
        await close_stack(stack)
