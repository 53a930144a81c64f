"""Notification mails end to end: a change made as a member under RLS queues outbox rows in its own
transaction, the job inside the running stack sends them over real SMTP to the mail catcher, and we
read them back through the catcher's API."""
from __future__ import annotations

import httpx
import pytest

from tests.helpdesk.mailsupport import as_member, mailbox, make_member, wait_for_mail
from tests.support.stack import close_stack, config_for, open_stack

SITE = "https://help.example.com"


@pytest.fixture
async def stack(db_url, pg_server, tmp_path):
    config = config_for(db_url, pg_server.password, tmp_path, ORICOL_HELPDESK_NOTIFY_POLL_SECONDS="0.1",
                        ORICOL_SITE_URL=SITE, ORICOL_HELPDESK_SUPPORT_ADDRESS="help@example.com")
    running = await open_stack(config)
    yield running
    await close_stack(running)


@pytest.fixture
async def catcher(stack):
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{stack.platform.config.mail.http_port}") as http:
        yield http


@pytest.fixture
async def people(admin):
    team = await admin.fetchval("insert into helpdesk.teams (name) values ('Network') returning id")
    return {
        "ann": await make_member(admin, "ann@example.com", "requester", "Ann Asker"),
        "neo": await make_member(admin, "neo@example.com", "agent", "Neo Network", team_id=team),
        "ada": await make_member(admin, "ada@example.com", "agent", "Ada Agent"),
        "mia": await make_member(admin, "mia@example.com", "manager", "Mia Manager"),
        "team": team,
    }


async def new_ticket(stack, requester: str, title: str = "Printer jams", team=None):
    return await as_member(stack.platform.db.app, requester,
                           "insert into helpdesk.tickets (title, description, requester_id, team_id) "
                           "values ($1, 'It jams on page 2', $2, $3) returning id, number", title, requester, team)


async def test_a_new_ticket_acknowledges_the_requester_and_tells_the_agents(stack, catcher, people):
    ticket = await new_ticket(stack, people["ann"])
    (ack,) = await wait_for_mail(catcher, "ann")
    assert ack["subject"] == f"[{ticket['number']}] We received your request: Printer jams"
    assert f"{SITE}/tickets/{ticket['number']}" in ack["body"]["text"]
    assert f'href="{SITE}/tickets/{ticket["number"]}"' in ack["body"]["html"]
    assert ack["from"] == "Oricol Helpdesk <help@example.com>"
    # No team: every agent hears of it; the manager does not (managers do not work tickets).
    for agent in ("neo", "ada"):
        (notice,) = await wait_for_mail(catcher, agent)
        assert notice["subject"] == f"[{ticket['number']}] New ticket: Printer jams"
        assert "Ann Asker (ann@example.com)" in notice["body"]["text"]
    assert await mailbox(catcher, "mia") == []


async def test_a_team_ticket_tells_only_its_team(stack, catcher, people, admin):
    ticket = await new_ticket(stack, people["ann"], "VPN down", team=people["team"])
    await wait_for_mail(catcher, "neo")
    await wait_for_mail(catcher, "ann")
    assert await admin.fetchval("select count(*) from helpdesk.notification_outbox where ticket_id = $1 "
                                "and to_email = 'ada@example.com'", ticket["id"]) == 0


async def test_assignment_comments_and_status_changes(stack, catcher, people, admin):
    pool = stack.platform.db.app
    ticket = await new_ticket(stack, people["ann"])
    await wait_for_mail(catcher, "ada")
    await wait_for_mail(catcher, "ann")
    # The manager assigns it to Ada: Ada hears of it.
    await as_member(pool, people["mia"], "update helpdesk.tickets set assignee_id = $2 where id = $1 returning id",
                    ticket["id"], people["ada"])
    assigned = (await wait_for_mail(catcher, "ada", 2))[-1]
    assert assigned["subject"] == f"[{ticket['number']}] Assigned to you: Printer jams"
    # Ada answers publicly: Ann gets the reply (the first response's new -> open is not a second mail).
    await as_member(pool, people["ada"], "insert into helpdesk.ticket_comments (ticket_id, body) "
                    "values ($1, 'Try <b>turning it off</b> and on') returning id", ticket["id"])
    reply = (await wait_for_mail(catcher, "ann", 2))[-1]
    assert reply["subject"] == f"[{ticket['number']}] New reply: Printer jams"
    assert "Try <b>turning it off</b> and on" in reply["body"]["text"]
    assert "Try &lt;b&gt;turning it off&lt;/b&gt; and on" in reply["body"]["html"]
    # An internal note never reaches the requester.
    await as_member(pool, people["neo"], "insert into helpdesk.ticket_comments (ticket_id, body, internal) "
                    "values ($1, 'secret: the toner is fake', true) returning id", ticket["id"])
    note = (await wait_for_mail(catcher, "ada", 3))[-1]
    assert note["subject"].startswith(f"[{ticket['number']}] New internal note from Neo Network")
    # Ann replies: Ada (the assignee) hears of it.
    await as_member(pool, people["ann"], "insert into helpdesk.ticket_comments (ticket_id, body) "
                    "values ($1, 'Still jams') returning id", ticket["id"])
    (await wait_for_mail(catcher, "ada", 4))
    # Ada resolves it: Ann is told the new status.
    await as_member(pool, people["ada"], "update helpdesk.tickets set status = 'resolved' where id = $1 returning id",
                    ticket["id"])
    status = (await wait_for_mail(catcher, "ann", 3))[-1]
    assert status["subject"] == f"[{ticket['number']}] Status changed to resolved: Printer jams"
    assert "from open to resolved" in status["body"]["text"]
    await stack.services["helpdesk-notify"].extras["job"].run_once()
    texts = [m["body"]["text"] for m in await wait_for_mail(catcher, "ann", 3)]
    assert len(texts) == 3 and not any("toner" in text for text in texts)
    rows = await admin.fetch("select sent_at, attempts, message_id from helpdesk.notification_outbox")
    assert rows and all(r["sent_at"] is not None and r["attempts"] == 1 and r["message_id"] for r in rows)


async def test_nobody_is_mailed_about_their_own_change(stack, catcher, people, admin):
    ticket = await new_ticket(stack, people["ann"])
    await as_member(stack.platform.db.app, people["ada"],
                    "update helpdesk.tickets set assignee_id = $2 where id = $1 returning id", ticket["id"], people["ada"])
    await as_member(stack.platform.db.app, people["ann"],
                    "update helpdesk.tickets set status = 'closed' where id = $1 returning id", ticket["id"])
    kinds = await admin.fetch("select kind, to_email from helpdesk.notification_outbox order by id")
    assert [(r["kind"], r["to_email"]) for r in kinds] == [
        ("ticket_created", "ann@example.com"), ("ticket_created", "neo@example.com"),
        ("ticket_created", "ada@example.com")]


async def test_a_rolled_back_change_queues_nothing(stack, people, admin):
    from oricol.db import as_caller
    from tests.helpdesk.mailsupport import member

    with pytest.raises(RuntimeError):
        async with as_caller(stack.platform.db.app, member(people["ann"])) as conn:
            await conn.execute("insert into helpdesk.tickets (title, requester_id) values ('x', $1)", people["ann"])
            raise RuntimeError("the request failed after the insert")
    assert await admin.fetchval("select count(*) from helpdesk.notification_outbox") == 0


async def test_sla_about_to_breach_warns_the_assignee_once(stack, catcher, people, admin):
    ticket = await new_ticket(stack, people["ann"], "Server room hot")
    await admin.execute("update helpdesk.tickets set assignee_id = $2, first_responded_at = now(), "
                        "resolution_due_at = now() + interval '20 minutes' where id = $1", ticket["id"], people["neo"])
    job = stack.services["helpdesk-notify"].extras["job"]
    assert await job.check_sla() == 1
    assert await job.check_sla() == 0  # once per ticket, target and due time
    warning = [m for m in await wait_for_mail(catcher, "neo", 3) if "SLA" in m["subject"]]
    assert len(warning) == 1
    assert warning[0]["subject"] == f"[{ticket['number']}] SLA about to breach: Server room hot"
    assert "resolution target" in warning[0]["body"]["text"]
