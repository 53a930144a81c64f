"""A real mail catcher on free ports with its store in the test's tmp dir, and helpers that talk to it
over real SMTP (smtplib in a worker thread: the catcher serves from this test's event loop)."""
from __future__ import annotations

import asyncio
import smtplib
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest

from oricol.config.mail import MailConfig
from oricol.mail.service import MailCatcher
from oricol.mail.store import Caps, MailStore
from tests.support.pg import free_port


def settings(**overrides) -> MailConfig:
    base = MailConfig(catcher_enabled=True, smtp_port=free_port(), http_port=free_port(),
                      max_message_bytes=200_000, mailbox_cap=500, total_cap=5000,
                      storage_cap_bytes=50_000_000, max_recipients=200)
    return replace(base, **overrides)


def make_catcher(root: Path, config: MailConfig) -> MailCatcher:
    caps = Caps(per_mailbox=config.mailbox_cap, total=config.total_cap, total_bytes=config.storage_cap_bytes)
    return MailCatcher(config, MailStore(root, caps))


@pytest.fixture
async def catcher(tmp_path):
    running = make_catcher(tmp_path / "mail", settings())
    await running.start()
    assert await running.health() == "up"
    yield running
    await running.stop()


@pytest.fixture
async def http(catcher):
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{catcher.http_port}", timeout=10) as client:
        yield client


def message(to: str = "jane@example.org", subject: str = "Hello", text: str = "Hi there",
            html: str | None = None) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "Sender <sender@example.com>"
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content(text)
    if html is not None:
        mail.add_alternative(html, subtype="html")
    return mail


def _send_blocking(port: int, mail: EmailMessage | bytes, to: list[str] | None) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        if isinstance(mail, bytes):
            client.sendmail("sender@example.com", to or ["jane@example.org"], mail)
        else:
            client.send_message(mail, to_addrs=to)


async def send(catcher: MailCatcher, mail: EmailMessage | bytes, to: list[str] | None = None) -> None:
    await asyncio.to_thread(_send_blocking, catcher.smtp.port, mail, to)


async def listing(http: httpx.AsyncClient, mailbox: str) -> list[dict]:
    response = await http.get(f"/api/v1/mailbox/{mailbox}")
    assert response.status_code == 200, response.text
    return response.json()
