"""Two gateway processes on one PostgreSQL primary with a streaming replica and Redis, as in the seed's
horizontal-scaling plan: sessions, realtime, rate limits and replica reads work across nodes."""
from __future__ import annotations

import asyncio
import json
import shutil
import signal
import time
import uuid
from pathlib import Path

import httpx
import pytest
import websockets

from tests.support import pg
from tests.support.project import FIXTURES, Project
from tests.support.redis import start_redis

pytestmark = pytest.mark.system
PASSWORD = "nodes-password-123"
EXTRA = """
create function public.served_by_replica() returns boolean language sql stable as $$ select pg_is_in_recovery() $$;
create function public.on_primary() returns boolean language sql volatile as $$ select not pg_is_in_recovery() $$;
"""


@pytest.fixture
def deployment():
    with pg.own_cluster(PASSWORD, with_replica=True) as (root, primary, replica):
        yield from _nodes(root, primary, replica)


def _nodes(root: Path, primary, replica):
    redis_process, redis_url = start_redis()
    migrations = root / "migrations"
    shutil.copytree(FIXTURES, migrations)
    (migrations / "20240301000000_probes.sql").write_text(EXTRA)
    nodes = []
    for name in ("a", "b"):
        (root / name).mkdir()
        node = Project(root / name, migrations)
        node.env.update({
            "ORICOL_DATABASE_URL": primary.url(PASSWORD),
            "ORICOL_DATABASE_REPLICA_URLS": replica.url(PASSWORD),
            "ORICOL_REDIS_URL": redis_url,
            "ORICOL_RATE_LIMIT_IP": "studio=4/60",
            "ORICOL_AUTH_AUTOCONFIRM": "true",
        })
        nodes.append(node)
    nodes[0].cli("init")
    shutil.copy(root / "a" / ".env", root / "b" / ".env")  # one deployment: the same secrets on every node
    try:
        for node in nodes:
            node.start()
        yield nodes
    finally:
        for node in nodes:
            if node.process is not None:
                node.stop(signal.SIGKILL)
        redis_process.terminate()


async def receive_change(url: str, anon_key: str, token: str, got: asyncio.Future, subscribed: asyncio.Event):
    socket_url = url.replace("http", "ws", 1) + f"/realtime/v1/websocket?apikey={anon_key}&vsn=1.0.0"
    async with websockets.connect(socket_url) as socket:
        await socket.send(json.dumps({
            "topic": "realtime:nodes", "event": "phx_join", "ref": "1", "join_ref": "1",
            "payload": {"config": {"broadcast": {"self": False}, "presence": {"key": ""},
                                   "postgres_changes": [{"event": "INSERT", "schema": "public", "table": "tickets"}],
                                   "private": False}, "access_token": token}}))
        while not got.done():
            message = json.loads(await socket.recv())
            if message["event"] == "system" and message["payload"].get("status") == "ok":
                subscribed.set()
            if message["event"] == "postgres_changes":
                got.set_result(message["payload"]["data"])


async def test_two_nodes_share_sessions_realtime_limits_and_read_from_the_replica(deployment):
    a, b = deployment
    anon = a.keys()["anon_key"]
    assert b.keys()["anon_key"] == anon
    headers = {"apikey": anon}
    async with httpx.AsyncClient(headers=headers, timeout=30) as http:
        # A session made on node A works on node B, and its refresh token too.
        email = f"n-{uuid.uuid4().hex[:8]}@nodes.test"
        session = (await http.post(a.url + "/auth/v1/signup", json={"email": email, "password": "nodes-pass-1"})).json()
        token, user_id = session["access_token"], session["user"]["id"]
        user = await http.get(b.url + "/auth/v1/user", headers={"authorization": f"Bearer {token}"})
        assert user.status_code == 200 and user.json()["email"] == email
        refreshed = await http.post(b.url + "/auth/v1/token?grant_type=refresh_token",
                                    json={"refresh_token": session["refresh_token"]})
        assert refreshed.status_code == 200 and refreshed.json()["access_token"]

        # A realtime subscriber on B receives a change written through A.
        got: asyncio.Future = asyncio.get_running_loop().create_future()
        subscribed = asyncio.Event()
        listener = asyncio.create_task(receive_change(b.url, anon, token, got, subscribed))
        await asyncio.wait_for(subscribed.wait(), timeout=20)
        auth = {"authorization": f"Bearer {token}"}
        created = await http.post(a.url + "/rest/v1/tickets", json={"title": "across nodes", "created_by": user_id},
                                  headers={**auth, "prefer": "return=representation"})
        assert created.status_code == 201, created.text
        change = await asyncio.wait_for(got, timeout=20)
        assert change["record"]["title"] == "across nodes" and change["type"] == "INSERT"
        listener.cancel()

        # REST reads on B are served by the streaming replica, which has the row written through A.
        assert (await http.get(b.url + "/rest/v1/rpc/served_by_replica", headers=auth)).json() is True
        assert (await http.post(b.url + "/rest/v1/rpc/on_primary", headers=auth)).json() is True
        deadline = time.monotonic() + 10
        while True:
            rows = (await http.get(b.url + "/rest/v1/tickets?select=title", headers=auth)).json()
            if rows == [{"title": "across nodes"}] or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
        assert rows == [{"title": "across nodes"}]

        # The rate limit is one bucket for the whole deployment (Redis).
        statuses = [(await http.get(node.url + "/studio/")).status_code for node in (a, b, a, b, a, b)]
        assert 429 not in statuses[:4] and statuses[4:] == [429, 429]
