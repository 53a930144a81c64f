"""The catcher as the composition root runs it: started by `Stack.start()`, fed by `default_mailer`."""
from __future__ import annotations

import asyncio
import socket

import httpx

from oricol.app import default_mailer
from oricol.mailer import OutgoingMail
from tests.support.stack import close_stack, config_for, open_stack


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


async def test_the_stack_starts_the_catcher_and_auth_mail_reaches_it(db_url, pg_server, tmp_path):
    config = config_for(db_url, pg_server.password, tmp_path)
    assert config.mail.catcher_enabled
    stack = await open_stack(config)
    try:
        status, health = await stack.health()
        assert health["parts"]["mail"] == "up", health
        await default_mailer(config).send(OutgoingMail(
            to="new.user+x@example.com", subject="Confirm your email", html="<p>Confirm</p>", text="Confirm"))
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{config.mail.http_port}") as http:
            (entry,) = (await http.get("/api/v1/mailbox/new.user")).json()
            assert entry["subject"] == "Confirm your email"
            assert entry["from"] == "Oricol <noreply@oricol.local>"
        assert any((tmp_path / "mail").glob("*.eml"))  # kept in the data dir
        assert "oricol_mail_messages 1" in stack.registry.render()
    finally:
        await close_stack(stack)
    assert not await asyncio.to_thread(_listening, config.mail.smtp_port)
    assert not await asyncio.to_thread(_listening, config.mail.http_port)


async def test_a_disabled_catcher_starts_nothing(db_url, pg_server, tmp_path):
    config = config_for(db_url, pg_server.password, tmp_path, ORICOL_MAIL_CATCHER="false")
    stack = await open_stack(config)
    try:
        assert not await asyncio.to_thread(_listening, config.mail.smtp_port)
        assert not await asyncio.to_thread(_listening, config.mail.http_port)
        assert await stack.services["mail"].health() == "up"
    finally:
        await close_stack(stack)


async def test_a_taken_port_is_reported_not_fatal(db_url, pg_server, tmp_path):
    config = config_for(db_url, pg_server.password, tmp_path)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", config.mail.http_port))
        squatter.listen()
        stack = await open_stack(config)
        try:
            status, health = await stack.health()
            assert status == 503 and health["parts"]["mail"].startswith("down")
            assert not await asyncio.to_thread(_listening, config.mail.smtp_port)  # nothing half-started
        finally:
            await close_stack(stack)
