"""The catcher's SMTP side: aiosmtpd in the process's own event loop, storing every message it
accepts into the recipient's mailbox (one copy per mailbox, as Inbucket does)."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from .naming import BadAddress, mailbox_for
from .parse import summarize
from .store import MailStore

log = logging.getLogger("oricol.mail")


class CatchingHandler:
    """aiosmtpd's hooks: refuse what cannot be stored at RCPT, store at DATA."""

    def __init__(self, store: MailStore, max_recipients: int):
        self.store = store
        self.max_recipients = max_recipients

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if len(envelope.rcpt_tos) >= self.max_recipients:
            return "452 4.5.3 Too many recipients"
        try:
            mailbox_for(address)
        except BadAddress as error:
            return f"550 5.1.3 Bad recipient address: {error}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        try:
            await asyncio.to_thread(self._deliver, raw, envelope.mail_from or "", list(envelope.rcpt_tos))
        except Exception:  # a bug or a full disk must not take the server down; the client may retry
            log.exception("mail catcher: could not store a message")
            return "451 4.3.0 Could not store the message, try again later"
        return "250 Message accepted for delivery"

    def _deliver(self, raw: bytes, mail_from: str, rcpt_tos: list[str]) -> None:
        summary = summarize(raw, mail_from, rcpt_tos)
        mailboxes = dict.fromkeys(mailbox_for(address) for address in rcpt_tos)
        for mailbox in mailboxes:
            self.store.add(mailbox, raw, summary.sender, summary.to, summary.subject)


class _TrackedSMTP(SMTP):
    """Remembers its open connection so that stopping the server can close it."""

    def __init__(self, handler: CatchingHandler, sessions: set[_TrackedSMTP], **options: Any) -> None:
        super().__init__(handler, **options)
        self._sessions = sessions

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._sessions.add(self)
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        self._sessions.discard(self)
        super().connection_lost(error)


class SmtpServer:
    def __init__(self, handler: CatchingHandler, host: str, port: int, max_message_bytes: int):
        self.handler = handler
        self.host = host
        self.port = port
        self.max_message_bytes = max_message_bytes
        self._server: asyncio.AbstractServer | None = None
        self._sessions: set[_TrackedSMTP] = set()

    async def start(self) -> None:
        loop = asyncio.get_running_loop()

        def protocol() -> _TrackedSMTP:
            # A fixed hostname: aiosmtpd would otherwise resolve the machine's FQDN, which can hang on DNS.
            return _TrackedSMTP(self.handler, self._sessions, data_size_limit=self.max_message_bytes,
                                hostname="oricol.local", ident="Oricol mail catcher", timeout=60, loop=loop)

        self._server = await loop.create_server(protocol, host=self.host, port=self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    @property
    def serving(self) -> bool:
        return self._server is not None and self._server.is_serving()

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for session in list(self._sessions):
            if session.transport is not None:
                session.transport.close()
        await self._server.wait_closed()
        self._server = None
