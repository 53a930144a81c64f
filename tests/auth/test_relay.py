"""An auth-only node sending through ORICOL_SMTP_HOST/PORT (here: the live node's catcher, a plain
SMTP server without STARTTLS). Before: the relay default was a required STARTTLS, so sign-up
answered 500 "Error sending confirmation email" and the log said nothing; now STARTTLS is used when
offered, every failed delivery is logged with its cause, and the text part carries the link."""
from __future__ import annotations

import logging
import re
import time

import httpx
import pytest

from oricol.auth.mails import text_part
from tests.auth.conftest import unique_email
from tests.support.pg import free_port
from tests.support.stack import LiveServer, config_for


@pytest.fixture
def auth_node(live, db_url, pg_server, tmp_path):
    servers = []

    def start(smtp_port: int, **extra) -> LiveServer:
        server = LiveServer(config_for(db_url, pg_server.password, tmp_path, ORICOL_SERVICES="auth",
                                       ORICOL_SMTP_HOST="127.0.0.1", ORICOL_SMTP_PORT=smtp_port, **extra))
        server.start()
        servers.append(server)
        return server
    yield start
    for server in servers:
        server.stop()


def _mail(live, email: str, timeout: float = 10.0) -> dict:
    base = f"http://127.0.0.1:{live.config.mail.http_port}/api/v1/mailbox/{email.split('@')[0]}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listed = httpx.get(base).json()
        if listed:
            return httpx.get(f"{base}/{listed[-1]['id']}").json()
        time.sleep(0.1)
    raise AssertionError(f"no mail for {email}")


def test_an_auth_only_node_mails_through_a_plain_relay(live, auth_node):
    node = auth_node(live.config.mail.smtp_port)
    email = unique_email("relay")
    r = httpx.post(f"{node.url}/auth/v1/signup", headers={"apikey": node.anon_key},
                   json={"email": email, "password": "relay-pass-1"})
    assert r.status_code == 200, r.text
    body = _mail(live, email)["body"]
    link = re.search(r'href="([^"]+)"', body["html"]).group(1)
    assert "/verify?token=" in link
    assert link.replace("&amp;", "&") in body["text"], body["text"]


def test_a_failed_delivery_is_logged_with_its_cause(live, auth_node, caplog):
    caplog.set_level(logging.WARNING, logger="oricol.auth.mail")
    node = auth_node(free_port())  # nothing listens there
    r = httpx.post(f"{node.url}/auth/v1/signup", headers={"apikey": node.anon_key},
                   json={"email": unique_email("norelay"), "password": "relay-pass-1"})
    assert r.status_code == 500 and "Error sending confirmation email" in r.text
    assert "Connection" not in r.text and "refused" not in r.text.lower()
    failures = [rec for rec in caplog.records if rec.getMessage() == "mail delivery failed"]
    assert failures and "ConnectionRefusedError" in failures[-1].error and failures[-1].kind == "confirmation"


def test_text_parts_keep_every_link():
    html = '<p>Follow <a href="https://x.test/verify?token=1&amp;type=signup">Confirm your mail</a></p>'
    assert text_part(html) == "Follow Confirm your mail: https://x.test/verify?token=1&type=signup"


def test_relay_tls_defaults(tmp_path):
    from oricol.config import load
    from tests.support.stack import environ_for

    def tls(**extra):
        environ = environ_for("postgresql://x@localhost/db", "not-a-demo-password-42", tmp_path,
                              ORICOL_SMTP_HOST="relay.test", **extra)
        return load(tmp_path / "none.env", environ).auth.smtp.tls
    assert tls() == "auto" and tls(ORICOL_SMTP_PORT=465) == "ssl" and tls(ORICOL_SMTP_TLS="starttls") == "starttls"
