"""Outgoing mail: the Mailer protocol services send through (auth, the helpdesk), with an SMTP and an
in-memory implementation. In the shared layer so that no service imports the mail catcher's package."""
from __future__ import annotations

import asyncio
import smtplib
import ssl
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

# smtplib blocks: it runs in threads of its own, not the loop's default pool. In development the catcher
# that receives the mail lives in this same process and stores each message through the default pool;
# sends waiting in that pool for the catcher could otherwise starve it.
_SENDERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="oricol-smtp")


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    html: str
    text: str = ""


class Mailer(Protocol):
    async def send(self, mail: OutgoingMail) -> None: ...


@dataclass
class MemoryMailer:
    """Keeps what it is given; for unit tests of mail-producing code."""

    sent: list[OutgoingMail] = field(default_factory=list)

    async def send(self, mail: OutgoingMail) -> None:
        self.sent.append(mail)


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    tls: str = "none"  # none | auto (STARTTLS when the relay offers it) | starttls | ssl
    timeout: float = 15.0

    def _message(self, mail: OutgoingMail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2].strip(">") or "oricol.local")
        message.set_content(mail.text or "This message is best viewed in an HTML mail reader.")
        message.add_alternative(mail.html, subtype="html")
        return message

    def deliver_blocking(self, message: EmailMessage) -> None:
        """Hands a built message to the relay (blocking: call through `send_message`)."""
        context = ssl.create_default_context()
        if self.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if self.tls == "auto":
                client.ehlo()
                if client.has_extn("starttls"):
                    client.starttls(context=context)
                elif self.username:
                    raise smtplib.SMTPNotSupportedError(
                        "the relay offers no STARTTLS; not sending the password in the clear "
                        "(set ORICOL_SMTP_TLS=none to allow it, or ssl/starttls)")
            elif self.tls == "starttls":
                client.starttls(context=context)
            if self.username:
                client.login(self.username, self.password or "")
            client.send_message(message)

    async def send(self, mail: OutgoingMail) -> None:
        await self.send_message(self._message(mail))

    async def send_message(self, message: EmailMessage) -> None:
        """Sends a message the caller built (for headers of its own: Message-ID, References, Reply-To)."""
        await asyncio.get_running_loop().run_in_executor(_SENDERS, self.deliver_blocking, message)
