"""One inbound mail into the helpdesk: a new ticket from its sender, or a public comment on the ticket
it answers. Everything the sender writes is written as the sender (their role, their RLS), so a mail
can do exactly what that person could do in the web app and nothing more."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import asyncpg

from oricol.db import Caller, as_caller

from . import attachments, senders
from .message import InboundMail

NUMBER = re.compile(r"\bHD-(\d{1,12})\b", re.IGNORECASE)
PREFIXES = re.compile(r"^(?:(?:re|fw|fwd|aw|sv|wg)\s*:\s*)+", re.IGNORECASE)
log = logging.getLogger("oricol.helpdesk.inbound")

OURS = "select exists (select 1 from helpdesk.notification_outbox where message_id = $1)"
THREAD = """
select ticket_id from helpdesk.notification_outbox
where message_id = any($1::text[]) and ticket_id is not null
order by id desc limit 1
"""
VISIBLE_BY_NUMBER = "select id, number from helpdesk.tickets where number = $1"
VISIBLE_BY_ID = "select id, number from helpdesk.tickets where id = $1"
NEW_TICKET = """
insert into helpdesk.tickets (title, description, source, requester_id)
values ($1, $2, 'email', $3)
returning id, number
"""
NEW_COMMENT = """
insert into helpdesk.ticket_comments (ticket_id, author_id, body, internal)
values ($1, $2, $3, false)
returning id
"""
NEW_ATTACHMENT = """
insert into helpdesk.ticket_attachments (ticket_id, comment_id, bucket, object_path, file_name, content_type,
                                         size_bytes, uploaded_by)
values ($1, $2, $3, $4, $5, $6, $7, $8)
"""


class Refused(Exception):
    """The mail is refused with a permanent SMTP error; the message is what the sender's server reports."""

    def __init__(self, reply: str):
        super().__init__(reply)
        self.reply = reply


@dataclass(frozen=True)
class Outcome:
    action: str             # created | commented | ignored
    ticket_number: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Settings:
    support_address: str
    unknown_senders: str
    jwt_secret: str
    anon_key: str
    storage_url: str        # this node's gateway, e.g. http://127.0.0.1:8000


def caller_for(user_id: str, email: str) -> Caller:
    claims = {"sub": user_id, "role": "authenticated", "aud": "authenticated", "email": email}
    return Caller(role="authenticated", claims=claims)


async def ingest(pool: asyncpg.Pool, admin: asyncpg.Pool, settings: Settings, mail: InboundMail) -> Outcome:
    if mail.automatic:
        return Outcome("ignored", reason=mail.automatic)
    async with admin.acquire() as conn:
        if not mail.sender or mail.sender in await senders.support_addresses(conn, settings.support_address):
            return Outcome("ignored", reason="sent by the helpdesk itself")
        if mail.message_id and await conn.fetchval(OURS, mail.message_id):
            return Outcome("ignored", reason="one of our own messages")
        async with conn.transaction():
            sender = await _sender(conn, settings, mail)
        thread_ticket = await conn.fetchval(THREAD, mail.thread_ids) if mail.thread_ids else None
    caller = caller_for(sender.user_id, mail.sender)
    async with as_caller(pool, caller) as conn:
        ticket = await _answered_ticket(conn, mail, thread_ticket)
        if ticket is not None:
            outcome, comment_id = await _comment(conn, sender, ticket, mail)
        else:
            outcome, comment_id = await _ticket(conn, sender, mail), None
    if mail.attachments:
        await _store_attachments(pool, settings, caller, sender, outcome, comment_id, mail)
    return outcome


async def _sender(conn: asyncpg.Connection, settings: Settings, mail: InboundMail) -> senders.Sender:
    found = await senders.find(conn, mail.sender)
    if found is None:
        if await senders.unknown_sender_policy(conn, settings.unknown_senders) == "reject":
            raise Refused("550 5.7.1 This helpdesk accepts mail from its members only")
        found = await senders.create(conn, mail.sender, mail.sender_name)
        log.info("helpdesk: created a requester from an inbound mail", extra={"user_id": found.user_id})
    if not found.active:
        raise Refused("550 5.7.1 This account is deactivated")
    return found


async def _answered_ticket(conn: asyncpg.Connection, mail: InboundMail, thread_ticket) -> asyncpg.Record | None:
    """The ticket a reply belongs to, if the sender can see it: by a Message-ID we sent, else by number."""
    if thread_ticket is not None:
        row = await conn.fetchrow(VISIBLE_BY_ID, thread_ticket)
        if row is not None:
            return row
    match = NUMBER.search(mail.subject)
    if match is not None:
        return await conn.fetchrow(VISIBLE_BY_NUMBER, f"HD-{int(match.group(1))}")
    return None


async def _comment(conn: asyncpg.Connection, sender: senders.Sender, ticket: asyncpg.Record,
                   mail: InboundMail) -> tuple[Outcome, str | None]:
    body = mail.reply or mail.body
    if not body.strip():
        if not mail.attachments:
            return Outcome("ignored", ticket["number"], reason="an empty reply"), None
        body = "(attachments sent by email)"
    try:
        async with conn.transaction():  # a savepoint: a refusal leaves the outer transaction usable
            comment_id = await conn.fetchval(NEW_COMMENT, ticket["id"], sender.user_id, body[:100_000])
    except asyncpg.InsufficientPrivilegeError:
        raise Refused(f"550 5.7.1 You may not comment on {ticket['number']}") from None
    return Outcome("commented", ticket["number"]), str(comment_id)


async def _ticket(conn: asyncpg.Connection, sender: senders.Sender, mail: InboundMail) -> Outcome:
    try:
        row = await conn.fetchrow(NEW_TICKET, title_of(mail.subject), mail.body[:100_000], sender.user_id)
    except asyncpg.InsufficientPrivilegeError:
        raise Refused("550 5.7.1 You may not open tickets here") from None
    return Outcome("created", row["number"])


def title_of(subject: str) -> str:
    """A ticket title from a subject: without reply/forward prefixes or a ticket number it mentions."""
    title = re.sub(r"\[?\s*\bHD-\d+\b\s*\]?", " ", subject, flags=re.IGNORECASE)
    title = PREFIXES.sub("", " ".join(title.split()) + " ").strip(" :-")
    return title[:200] or "(no subject)"


async def _store_attachments(pool: asyncpg.Pool, settings: Settings, caller: Caller, sender: senders.Sender,
                             outcome: Outcome, comment_id: str | None, mail: InboundMail) -> None:
    """After the ticket or comment is committed (storage checks the ticket's visibility in its own transaction);
    a file storage refuses is logged and skipped, the mail itself is kept."""
    async with as_caller(pool, caller, readonly=True) as conn:
        ticket_id = await conn.fetchval("select id from helpdesk.tickets where number = $1", outcome.ticket_number)
    if ticket_id is None:
        return
    token = attachments.sender_token(settings.jwt_secret, sender.user_id, mail.sender)
    for item in mail.attachments:
        try:
            stored = await attachments.upload(settings.storage_url, settings.anon_key, token, str(ticket_id), item)
        except Exception as error:  # storage down or refusing: the text of the mail is already filed
            log.warning("helpdesk: an inbound attachment was not stored",
                        extra={"ticket": outcome.ticket_number, "file_name": item.file_name, "error": str(error)})
            continue
        async with as_caller(pool, caller) as conn:
            await conn.execute(NEW_ATTACHMENT, ticket_id, comment_id, attachments.BUCKET, stored.object_path,
                               item.file_name, item.content_type, len(item.data), sender.user_id)
