"""Auth test fixtures: live servers with chosen auth settings, each with a mailbox we can read."""
from __future__ import annotations

import asyncio
import re
import time
import uuid
from typing import Any

import asyncpg
import pytest

from oricol.mailer import MemoryMailer
from tests.support import pg
from tests.support.idp import IdentityProvider
from tests.support.stack import LiveServer, config_for

AUTOCONFIRM = {"ORICOL_AUTH_AUTOCONFIRM": "true", "ORICOL_AUTH_ANONYMOUS_SIGN_INS": "true"}


@pytest.fixture(scope="session")
def idp():
    """The test OpenID provider (tests/support/idp.py) that the OAuth and identity-linking stacks sign in at."""
    provider = IdentityProvider().start()
    yield provider
    provider.stop()


class Mailbox:
    """What auth sent, read from the test thread while the server thread appends."""

    def __init__(self, mailer: MemoryMailer):
        self.mailer = mailer

    def last(self, to: str, *, timeout: float = 5.0, subject: str | None = None) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in list(self.mailer.sent) if m.to == to and (subject is None or subject in m.subject)]
            if found:
                return found[-1]
            time.sleep(0.02)
        raise AssertionError(f"no mail to {to}")

    def all_to(self, to: str) -> list[Any]:
        return [m for m in list(self.mailer.sent) if m.to == to]


def link_in(mail: Any) -> str:
    match = re.search(r'href="([^"]+/verify\?[^"]+)"', mail.html)
    assert match, mail.html
    return match.group(1).replace("&amp;", "&")


def code_in(mail: Any) -> str:
    match = re.search(r"code: (\d{6,10})", mail.html)
    assert match, mail.html
    return match.group(1)


def unique_email(tag: str = "user") -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.com"


@pytest.fixture(scope="session")
async def live_servers(pg_server, template_db, tmp_path_factory):
    servers: dict[tuple, tuple[LiveServer, Mailbox, str]] = {}

    async def get(**overrides: str) -> tuple[LiveServer, Mailbox]:
        key = tuple(sorted(overrides.items()))
        if key not in servers:
            name = await pg.clone(pg_server, template_db)
            mailer = MemoryMailer()
            server = LiveServer(config_for(pg_server.url_for(name), pg_server.password,
                                           tmp_path_factory.mktemp("auth-live"), **overrides), mailer=mailer)
            await asyncio.to_thread(server.start)
            servers[key] = (server, Mailbox(mailer), name)
        server, mailbox, _ = servers[key]
        return server, mailbox

    yield get
    for server, _, name in servers.values():
        await asyncio.to_thread(server.stop)
        await pg.drop(pg_server, name)


@pytest.fixture
async def auth_live(live_servers):
    """Autoconfirm and anonymous sign-ins on: sign-up returns a session."""
    return (await live_servers(**AUTOCONFIRM))[0]


@pytest.fixture
async def mail_live(live_servers):
    """GoTrue's defaults (confirm by mail), and the mailbox the server sends to."""
    return await live_servers()


@pytest.fixture
async def live_db(auth_live):
    conn = await asyncpg.connect(auth_live.db_url)
    yield conn
    await conn.close()
