"""Sending one rendered notification over SMTP: the operator's relay (ORICOL_SMTP_*) or the catcher.

We build the message ourselves rather than through auth's `SmtpMailer.send` because a notification
needs headers of its own: a Message-ID we choose and record (a reply's In-Reply-To finds its ticket
through it), Reply-To the support address, and `Auto-Submitted` so that well-behaved auto-responders
do not answer us (and our own listener ignores what we send)."""
from __future__ import annotations

import asyncio
import smtplib
import ssl
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from .render import Rendered


@dataclass(frozen=True)
class Relay:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    tls: str = "none"  # none | starttls | ssl
    timeout: float = 15.0


def relay_of(config) -> Relay:
    """The configured relay (shared with auth), or the local mail catcher in development."""
    smtp = config.helpdesk_mail.relay
    if smtp is not None:
        return Relay(host=smtp.host, port=smtp.port, username=smtp.username, password=smtp.password, tls=smtp.tls)
    return Relay(host="127.0.0.1", port=config.mail.smtp_port)


def new_message_id(sender: str, number: str | None) -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2] or "oricol.local"
    tag = (number or "hd").lower()
    return f"<{tag}.{uuid.uuid4().hex}@{domain}>"


def build(rendered: Rendered, *, to: str, sender: str, reply_to: str, message_id: str,
          references: list[str]) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Reply-To"] = reply_to
    message["Subject"] = rendered.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    if references:
        message["In-Reply-To"] = references[-1]
        message["References"] = " ".join(references)
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message


def _send_blocking(relay: Relay, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    if relay.tls == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(relay.host, relay.port, timeout=relay.timeout, context=context)
    else:
        client = smtplib.SMTP(relay.host, relay.port, timeout=relay.timeout)
    with client:
        if relay.tls == "starttls":
            client.starttls(context=context)
        if relay.username:
            client.login(relay.username, relay.password or "")
        client.send_message(message)


# smtplib blocks: it runs in threads of its own, not the loop's default pool. In development the
# catcher that receives the mail lives in this same process and stores each message through the
# default pool; sends waiting in that pool for the catcher could otherwise starve it.
_SENDERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="oricol-helpdesk-smtp")


async def send(relay: Relay, message: EmailMessage) -> None:
    await asyncio.get_running_loop().run_in_executor(_SENDERS, _send_blocking, relay, message)
