"""Email to ticket as a part of `oricol start`: the inbound SMTP listener, when ORICOL_HELPDESK_INBOUND_PORT is set."""
from __future__ import annotations

import logging

from oricol.service import Platform, Service

from .ingest import Settings, ingest
from .listener import InboundHandler, InboundServer
from .message import InboundMail
from .senders import support_addresses

log = logging.getLogger("oricol.helpdesk.inbound")


async def _no_routes(scope: dict, receive, send) -> None:
    raise RuntimeError("the inbound mail listener has no HTTP routes")  # never mounted by the gateway


def gateway_url(config) -> str:
    host = config.core.host
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::', '') else host}:{config.core.port}"


def create(platform: Platform) -> Service:
    config = platform.config
    mail_config = config.helpdesk_mail
    settings = Settings(support_address=mail_config.support_address, unknown_senders=mail_config.unknown_senders,
                        jwt_secret=config.core.jwt_secret, anon_key=config.core.anon_key,
                        storage_url=gateway_url(config))

    async def file(mail: InboundMail):
        return await ingest(platform.db.app, platform.db.admin, settings, mail)

    async def accepts(address: str) -> bool:
        if address == mail_config.support_address:
            return True
        async with platform.db.admin.acquire() as conn:
            return address in await support_addresses(conn, mail_config.support_address)

    server = InboundServer(InboundHandler(accepts, file), mail_config.inbound_host,
                           mail_config.inbound_port, mail_config.inbound_max_bytes)
    state: dict[str, str] = {}

    async def start() -> None:
        try:
            await server.start()
        except OSError as error:  # a taken port is reported by /health, not fatal to the rest
            state["error"] = f"down: port {mail_config.inbound_port}: {error.strerror or error}"
            log.error("helpdesk: the inbound mail listener could not start", extra={"error": str(error)})

    async def health() -> str:
        return state.get("error") or ("up" if server.serving else "down: not listening")

    return Service(name="helpdesk-inbound", app=_no_routes, start=start, stop=server.stop, health=health,
                   extras={"server": server})
