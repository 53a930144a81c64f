"""The inbound SMTP listener (aiosmtpd in the server's event loop): accepts mail for the support address
only, refuses what is too big at DATA, and answers each mail with what became of it.

Every worker of a node may run it on the same port (SO_REUSEPORT: the kernel spreads connections), since
each mail is filed in its own transactions; nothing is kept in the process between two mails."""
from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

from aiosmtpd.smtp import SMTP, Envelope, Session

from .ingest import Outcome, Refused
from .message import InboundMail, parse

log = logging.getLogger("oricol.helpdesk.inbound")

Ingest = Callable[[InboundMail], Awaitable[Outcome]]


class InboundHandler:
    def __init__(self, accepts: Callable[[str], Awaitable[bool]], ingest: Ingest):
        self.accepts = accepts  # whether an address is the support address
        self.ingest = ingest

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        try:
            ours = await self.accepts(address.strip().lower())
        except Exception:  # the database may be away: the sending server retries later
            log.exception("helpdesk: could not check an inbound recipient")
            return "451 4.3.0 Try again later"
        if not ours:
            return "550 5.1.1 No such mailbox here"
        if envelope.rcpt_tos:  # one copy is enough: the support address once
            return "250 OK"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        try:
            mail = await asyncio.to_thread(parse, raw, envelope.mail_from or "")
        except Exception as error:  # unparseable input is the sender's problem, not a crash
            log.info("helpdesk: an inbound mail could not be read", extra={"error": str(error)})
            return "550 5.6.0 The message could not be read"
        try:
            outcome = await self.ingest(mail)
        except Refused as refusal:
            log.info("helpdesk: inbound mail refused", extra={"reply": refusal.reply})
            return refusal.reply
        except Exception:  # the database may be away: the sending server retries later
            log.exception("helpdesk: an inbound mail could not be filed")
            return "451 4.3.0 Could not file the message, try again later"
        log.info("helpdesk: inbound mail " + outcome.action,
                 extra={"ticket": outcome.ticket_number, "reason": outcome.reason})
        if outcome.action == "ignored":
            return f"250 2.0.0 Accepted and ignored ({outcome.reason})"
        return f"250 2.0.0 {outcome.ticket_number} {outcome.action}"


class _TrackedSMTP(SMTP):
    def __init__(self, handler: InboundHandler, sessions: set, **options):
        super().__init__(handler, **options)
        self._sessions = sessions

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._sessions.add(self)
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        self._sessions.discard(self)
        super().connection_lost(error)


class InboundServer:
    def __init__(self, handler: InboundHandler, host: str, port: int, max_message_bytes: int):
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
                                hostname="oricol.local", ident="Oricol Helpdesk", timeout=60, loop=loop)

        self._server = await loop.create_server(protocol, host=self.host, port=self.port, reuse_port=True)
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
