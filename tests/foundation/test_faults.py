"""PostgreSQL going away under a running stack: fast 503s, /health says so, recovery without a restart."""
from __future__ import annotations

import asyncio

import httpx
import pytest

from oricol import bootstrap
from tests.support import pg
from tests.support.stack import SECRETS, close_stack, config_for, open_stack

PASSWORD = "fault-password-1"


@pytest.fixture
def own_cluster():
    with pg.own_cluster(PASSWORD) as (_, cluster, _):
        yield cluster


async def test_requests_fail_fast_while_postgres_restarts_and_recover(own_cluster, tmp_path):
    url = own_cluster.url(PASSWORD)
    await bootstrap.prepare(url, PASSWORD, None)
    stack = await open_stack(config_for(url, PASSWORD, tmp_path))

    async def probe(scope, receive, send):
        value = await stack.platform.db.app.fetchval("select 1")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(value).encode()})

    stack.gateway.services["rest"] = probe
    transport = httpx.ASGITransport(app=stack.gateway)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t",
                                     headers={"apikey": SECRETS["anon_key"]}) as http:
            assert (await http.get("/rest/v1/x")).text == "1"
            await asyncio.to_thread(own_cluster.stop, "fast")
            response = await asyncio.wait_for(http.get("/rest/v1/x"), timeout=10)
            assert response.status_code == 503 and response.headers["retry-after"] == "1"
            assert set(response.json()) == {"code", "message", "details", "hint"}  # PostgREST's shape
            health = await http.get("/health")
            assert health.status_code == 503 and "database" in health.json()["down"]

            await asyncio.to_thread(own_cluster.start)
            statuses = []
            for _ in range(20):
                statuses.append((await http.get("/rest/v1/x")).status_code)
                if statuses[-1] == 200:
                    break
                await asyncio.sleep(0.1)
            assert statuses[-1] == 200, statuses
            assert (await http.get("/health")).status_code == 200
    finally:
        await close_stack(stack)
