"""Email to ticket through real SMTP: smtplib talks to the listener of a real running server, whose
notification job answers through the mail catcher; tickets, comments and attachments are read back
from the database and the storage API."""
from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage

import httpx
import pytest

from tests.helpdesk.mailsupport import make_member, wait_for_mail
from tests.support.pg import free_port
from tests.support.stack import LiveServer, config_for

SUPPORT = "help@example.com"


@pytest.fixture
async def server(db_url, pg_server, tmp_path):
    port, inbound = free_port(), free_port()
    config = config_for(db_url, pg_server.password, tmp_path, ORICOL_PORT=str(port),
                        ORICOL_HELPDESK_INBOUND_PORT=str(inbound), ORICOL_HELPDESK_SUPPORT_ADDRESS=SUPPORT,
                        ORICOL_HELPDESK_NOTIFY_POLL_SECONDS="0.1", ORICOL_HELPDESK_INBOUND_MAX_BYTES="300000")
    live = LiveServer(config, port=port)
    await asyncio.to_thread(live.start)
    yield live
    await asyncio.to_thread(live.stop)


@pytest.fixture
async def catcher(server):
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.config.mail.http_port}") as http:
        yield http


@pytest.fixture
async def people(admin):
    return {"ann": await make_member(admin, "ann@example.com", "requester", "Ann Asker"),
            "bob": await make_member(admin, "bob@example.com", "requester", "Bob Other"),
            "ada": await make_member(admin, "ada@example.com", "agent", "Ada Agent")}


def message(sender: str = "Ann Asker <ann@example.com>", subject: str = "Printer jams", text: str | None = "It jams.",
            html: str | None = None, **headers) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = SUPPORT
    mail["Subject"] = subject
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    if text is not None:
        mail.set_content(text)
    if html is not None:
        if text is None:
            mail.set_content(html, subtype="html")
        else:
            mail.add_alternative(html, subtype="html")
    return mail


def _send(port: int, mail: EmailMessage, to: list[str]) -> dict:
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as client:
        return client.send_message(mail, to_addrs=to)


async def send(server: LiveServer, mail: EmailMessage, to: list[str] | None = None) -> None:
    await asyncio.to_thread(_send, server.config.helpdesk_mail.inbound_port, mail, to or [SUPPORT])


async def tickets(admin) -> list:
    return await admin.fetch("select t.*, m.email as requester_email from helpdesk.tickets t "
                             "left join helpdesk.members m on m.user_id = t.requester_id order by t.created_at")


async def test_a_mail_becomes_a_ticket_and_is_acknowledged(server, catcher, people, admin):
    await send(server, message(text="It jams on page 2.\n\nAnn"))
    (ticket,) = await tickets(admin)
    assert (ticket["title"], ticket["source"], ticket["requester_email"]) == ("Printer jams", "email", "ann@example.com")
    assert ticket["description"] == "It jams on page 2.\n\nAnn" and ticket["status"] == "new"
    (ack,) = await wait_for_mail(catcher, "ann")
    assert ack["subject"].startswith(f"[{ticket['number']}] We received your request")
    event = await admin.fetchrow("select actor_id, kind from helpdesk.ticket_events where ticket_id = $1", ticket["id"])
    assert str(event["actor_id"]) == people["ann"]  # filed as Ann herself


async def test_replies_by_number_and_by_message_id_become_public_comments(server, catcher, people, admin):
    await send(server, message())
    (ticket,) = await tickets(admin)
    (ack,) = await wait_for_mail(catcher, "ann")
    await send(server, message(subject=f"Re: [{ticket['number']}] We received your request",
                               text="Now it smokes.\n\nOn Mon, Support wrote:\n> We received your request"))
    # A reply without the number, found by In-Reply-To (our Message-ID), from a mail program that also
    # quoted the history below a "From:" block.
    sent_id = await admin.fetchval("select message_id from helpdesk.notification_outbox where to_email = 'ann@example.com'")
    assert ack["header"]["Message-Id"] == [sent_id]  # the id we recorded is the one that went out
    assert ack["header"]["Auto-Submitted"] == ["auto-generated"] and ack["header"]["Reply-To"] == [SUPPORT]
    await send(server, message(subject="Re: that thing", text="Fixed after all.\n\nFrom: Oricol\nold text",
                               In_Reply_To=sent_id, References=sent_id))
    comments = await admin.fetch("select author_id, body, internal from helpdesk.ticket_comments "
                                 "where ticket_id = $1 order by created_at", ticket["id"])
    assert [(str(c["author_id"]), c["body"], c["internal"]) for c in comments] == [
        (people["ann"], "Now it smokes.", False), (people["ann"], "Fixed after all.", False)]
    assert len(await tickets(admin)) == 1


async def test_an_agent_can_answer_by_mail_too(server, people, admin):
    await send(server, message())
    (ticket,) = await tickets(admin)
    await send(server, message(sender="ada@example.com", subject=f"RE: {ticket['number']}", text="On it."))
    row = await admin.fetchrow("select author_id, internal from helpdesk.ticket_comments where ticket_id = $1", ticket["id"])
    assert str(row["author_id"]) == people["ada"] and row["internal"] is False
    assert await admin.fetchval("select first_responded_at is not null from helpdesk.tickets where id = $1", ticket["id"])


async def test_a_manager_who_may_not_comment_is_refused(server, people, admin):
    mia = await make_member(admin, "mia@example.com", "manager", "Mia Manager")
    await send(server, message())
    (ticket,) = await tickets(admin)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        await send(server, message(sender="mia@example.com", subject=f"Re: {ticket['number']}", text="Hurry up"))
    assert refused.value.smtp_code == 550 and ticket["number"].encode() in refused.value.smtp_error
    assert await admin.fetchval("select count(*) from helpdesk.ticket_comments") == 0
    assert mia and len(await tickets(admin)) == 1  # and no ticket made of it either


async def test_nobody_comments_on_a_ticket_they_cannot_see(server, people, admin):
    await send(server, message())
    (ticket,) = await tickets(admin)
    await send(server, message(sender="bob@example.com", subject=f"Re: [{ticket['number']}]", text="I am Ann, really"))
    assert await admin.fetchval("select count(*) from helpdesk.ticket_comments where ticket_id = $1", ticket["id"]) == 0
    # Bob's mail is his own new ticket instead (with the number taken out of its title).
    bobs = [t for t in await tickets(admin) if t["requester_email"] == "bob@example.com"]
    assert len(bobs) == 1 and bobs[0]["description"] == "I am Ann, really"


async def test_unknown_senders_become_requesters_or_are_refused(server, admin):
    await send(server, message(sender="New Person <New.Person@Example.org>", subject="Hello"))
    row = await admin.fetchrow("select m.role, m.full_name, m.email, u.email_confirmed_at from helpdesk.members m "
                               "join auth.users u on u.id = m.user_id where m.email = 'new.person@example.org'")
    assert (row["role"], row["full_name"], row["email_confirmed_at"]) == ("requester", "New Person", None)
    assert [t["requester_email"] for t in await tickets(admin)] == ["new.person@example.org"]
    await admin.execute("insert into helpdesk.settings (key, value) values ('unknown_sender_policy', '\"reject\"')")
    with pytest.raises(smtplib.SMTPDataError) as refused:
        await send(server, message(sender="stranger@example.net", subject="Let me in"))
    assert refused.value.smtp_code == 550 and b"members only" in refused.value.smtp_error
    assert await admin.fetchval("select count(*) from auth.users where email = 'stranger@example.net'") == 0
    await send(server, message(sender="new.person@example.org", subject="Again"))  # now a member: accepted
    assert len(await tickets(admin)) == 2


async def test_a_deactivated_member_is_refused(server, people, admin):
    await admin.execute("update helpdesk.members set active = false where user_id = $1", people["bob"])
    with pytest.raises(smtplib.SMTPDataError) as refused:
        await send(server, message(sender="bob@example.com"))
    assert refused.value.smtp_code == 550
    assert await tickets(admin) == []


@pytest.mark.parametrize("sender, headers", [
    ("ann@example.com", {"Auto_Submitted": "auto-replied"}),
    ("ann@example.com", {"Precedence": "bulk"}),
    ("ann@example.com", {"Precedence": "junk"}),
    ("ann@example.com", {"X_Autoreply": "yes"}),
    ("MAILER-DAEMON@example.com", {}),
    (SUPPORT, {}),
])
async def test_loops_and_auto_replies_are_accepted_and_ignored(server, people, admin, sender, headers):
    await send(server, message(sender=sender, subject="Out of office", **headers))
    assert await tickets(admin) == []
    assert await admin.fetchval("select count(*) from auth.users") == 3  # and no requester was created


async def test_our_own_message_coming_back_is_ignored(server, catcher, people, admin):
    await send(server, message())
    await wait_for_mail(catcher, "ann")
    sent_id = await admin.fetchval("select message_id from helpdesk.notification_outbox where to_email = 'ann@example.com'")
    await send(server, message(sender="ann@example.com", subject="Re: HD-1001", Message_ID=sent_id))
    assert await admin.fetchval("select count(*) from helpdesk.ticket_comments") == 0


async def test_html_only_mail_is_stored_as_text(server, people, admin):
    await send(server, message(text=None, html="<html><body><p>Screen is <b>black</b> &amp; dead</p>"
                                                "<script>alert('x')</script><p>Ann</p></body></html>"))
    (ticket,) = await tickets(admin)
    assert ticket["description"] == "Screen is black & dead\n\nAnn"


async def test_attachments_go_to_storage_as_the_sender(server, people, admin):
    mail = message(text="Screenshot attached")
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    mail.add_attachment(png, maintype="image", subtype="png", filename="screen shot.png")
    await send(server, mail)
    (ticket,) = await tickets(admin)
    row = await admin.fetchrow("select * from helpdesk.ticket_attachments where ticket_id = $1", ticket["id"])
    assert (row["file_name"], row["content_type"], row["size_bytes"], row["bucket"]) == (
        "screen shot.png", "image/png", len(png), "helpdesk-attachments")
    assert row["object_path"].startswith(f"{ticket['id']}/") and row["object_path"].endswith("-screen shot.png")
    assert str(row["uploaded_by"]) == people["ann"]
    owner = await admin.fetchval("select owner_id from storage.objects where bucket_id = 'helpdesk-attachments' "
                                 "and name = $1", row["object_path"])
    assert owner == people["ann"]
    async with httpx.AsyncClient(base_url=server.url, headers={"apikey": server.service_role_key,
                                 "authorization": f"Bearer {server.service_role_key}"}) as http:
        download = await http.get(f"/storage/v1/object/helpdesk-attachments/{row['object_path']}")
    assert download.status_code == 200 and download.content == png
    # A reply's attachment belongs to its comment.
    reply = message(subject=f"Re: {ticket['number']}", text="and the log")
    reply.add_attachment(b"error 42\n", maintype="text", subtype="plain", filename="log.txt")
    await send(server, reply)
    comment_id = await admin.fetchval("select id from helpdesk.ticket_comments where ticket_id = $1", ticket["id"])
    assert await admin.fetchval("select comment_id from helpdesk.ticket_attachments where file_name = 'log.txt'") == comment_id


async def test_other_recipients_and_oversized_mail_are_refused(server, people, admin):
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        await send(server, message(), to=["someone.else@example.com"])
    big = message(text="x" * 400_000)
    with pytest.raises((smtplib.SMTPDataError, smtplib.SMTPSenderRefused, smtplib.SMTPServerDisconnected)) as refused:
        await send(server, big)
    if hasattr(refused.value, "smtp_code"):
        assert refused.value.smtp_code == 552
    assert await tickets(admin) == []


async def test_the_support_address_set_by_an_admin_is_ours_too(server, catcher, people, admin):
    await admin.execute("insert into helpdesk.settings (key, value) values ('support_address', '\"desk@example.org\"')")
    await send(server, message(), to=["Desk@Example.org"])
    (ticket,) = await tickets(admin)
    (ack,) = await wait_for_mail(catcher, "ann")
    assert ack["header"]["Reply-To"] == ["desk@example.org"]  # replies go where the admin said
    await send(server, message(sender="desk@example.org", subject=f"Re: {ticket['number']}"), to=[SUPPORT])
    assert await admin.fetchval("select count(*) from helpdesk.ticket_comments") == 0  # our own address: a loop
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        await send(server, message(), to=["other@example.org"])
