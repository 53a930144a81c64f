"""Auth rate limits across nodes: two stacks on one database and one Redis share every count; with
Redis unreachable each node counts on its own and nobody is locked out."""
from __future__ import annotations

import logging

import pytest

from oricol.mailer import MemoryMailer
from tests.auth.conftest import unique_email
from tests.support.pg import free_port
from tests.support.stack import asgi_client, close_stack, config_for, open_stack

VERSION = {"X-Supabase-Api-Version": "2024-01-01"}


@pytest.fixture
async def two_nodes(db_url, pg_server, tmp_path):
    """Opens two stacks ("nodes") with the same settings on this test's database; closes them after."""
    opened = []

    async def make(**overrides: str):
        settings = {"ORICOL_AUTH_RATE_LIMITS": "true", **overrides}
        for name in ("a", "b"):
            mailer = MemoryMailer()
            stack = await open_stack(config_for(db_url, pg_server.password, tmp_path / name, **settings), mailer)
            opened.append((stack, mailer))
        return opened

    yield make
    for stack, _ in opened:
        await close_stack(stack)


async def send_otp(stack, email: str):
    async with asgi_client(stack) as http:
        return await http.post("/auth/v1/otp", json={"email": email}, headers=VERSION)


async def sign_in(stack):
    async with asgi_client(stack) as http:
        response = await http.post("/auth/v1/token?grant_type=password", headers=VERSION,
                                   json={"email": unique_email(), "password": "whatever-pass"})
        return response.status_code, response.json()["code"]


async def test_email_limit_is_one_count_for_all_nodes_through_redis(two_nodes, redis_url):
    (a, mail_a), (b, mail_b) = await two_nodes(ORICOL_REDIS_URL=redis_url, ORICOL_AUTH_RATE_LIMIT_EMAIL_SENT="2")
    emails = [unique_email("shared") for _ in range(3)]
    assert (await send_otp(a, emails[0])).status_code == 200
    assert (await send_otp(b, emails[1])).status_code == 200
    refused = await send_otp(b, emails[2])  # node B alone has sent one mail: only the shared count is full
    assert refused.status_code == 429 and refused.json()["code"] == "over_email_send_rate_limit"
    assert [m.to for m in mail_a.sent] == [emails[0]] and [m.to for m in mail_b.sent] == [emails[1]]
    assert (await send_otp(a, unique_email())).status_code == 429


async def test_sign_in_limit_per_ip_is_shared_between_nodes(two_nodes, redis_url):
    (a, _), (b, _) = await two_nodes(ORICOL_REDIS_URL=redis_url, ORICOL_AUTH_RATE_LIMIT_SIGN_IN="3")
    statuses = [await sign_in(node) for node in (a, b, a, b)]
    assert statuses[:3] == [(400, "invalid_credentials")] * 3
    assert statuses[3] == (429, "over_request_rate_limit")


async def test_redis_down_fails_open_to_per_node_counts_with_a_warning(two_nodes, caplog):
    caplog.set_level(logging.WARNING, logger="oricol.redis")
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    # Auth alone (realtime needs its Redis bus to start); the gateway's buckets go through Redis too.
    (a, _), (b, _) = await two_nodes(ORICOL_REDIS_URL=dead, ORICOL_AUTH_RATE_LIMIT_EMAIL_SENT="2",
                                     ORICOL_SERVICES="auth", ORICOL_RATE_LIMIT_IP="auth=100/60")
    statuses = [(await send_otp(node, unique_email())).status_code for node in (a, b, a, b)]
    assert statuses == [200] * 4  # each node allows the whole limit on its own, as without Redis
    assert (await send_otp(a, unique_email())).status_code == 429  # but still enforces it
    warnings = [r for r in caplog.records if r.name == "oricol.redis"]
    assert warnings and "redis unreachable" in warnings[0].getMessage()
    assert len(warnings) == 2  # once per node, not once per request
