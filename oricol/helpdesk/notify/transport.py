"""Sending one rendered notification over SMTP: the operator's relay (ORICOL_SMTP_*) or the catcher.

We build the message ourselves (and hand it to `SmtpMailer.send_message`) because a notification
needs headers of its own: a Message-ID we choose and record (a reply's In-Reply-To finds its ticket
through it), Reply-To the support address, and `Auto-Submitted` so that well-behaved auto-responders
do not answer us (and our own listener ignores what we send)."""
from __future__ import annotations

import uuid
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from oricol.mailer import SmtpMailer

from .render import Rendered


def relay_of(config) -> SmtpMailer:
    """The configured relay (shared with auth), or the local mail catcher in development."""
    smtp = config.helpdesk_mail.relay
    sender = config.helpdesk_mail.sender
    if smtp is not None:
        return SmtpMailer(host=smtp.host, port=smtp.port, sender=sender, username=smtp.username,
                          password=smtp.password, tls=smtp.tls)
    return SmtpMailer(host="127.0.0.1", port=config.mail.smtp_port, sender=sender)


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


async def send(relay: SmtpMailer, message: EmailMessage) -> None:
    await relay.send_message(message)
