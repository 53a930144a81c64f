"""Restarts and more than one process: the slot is resumed after a restart, and two `oricol start`
processes sharing PostgreSQL (and Redis, or LISTEN/NOTIFY) serve one deployment, surviving the death
of the process that holds the slot."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.support import pg
from tests.support.redis import start_redis
from tests.support.stack import LiveServer, config_for, environ_for

from .support import RawSocket, published_table, unique

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def own_db(pg_server, template_db):
    name = await pg.clone(pg_server, template_db)
    yield pg_server.url_for(name)
    await pg.drop(pg_server, name)


async def _changes(sock: RawSocket, count: int, timeout: float = 20) -> list[dict]:
    found = []
    while len(found) < count:
        message = await sock.until(lambda m: m["event"] == "postgres_changes", timeout)
        found.append(message["payload"]["data"]["record"])
    return found


async def _join_changes(sock: RawSocket, name: str, table: str) -> None:
    reply = await sock.join(name, {"postgres_changes": [{"event": "INSERT", "schema": "public", "table": table}]})
    assert reply["payload"]["status"] == "ok", reply
    system = await sock.until(lambda m: m["event"] == "system")
    assert system["payload"]["status"] == "ok"


async def test_restart_resumes_from_the_slot_without_losing_changes(own_db, pg_server, tmp_path):
    admin = await asyncpg.connect(own_db)
    table = await published_table(admin, "resume", "id int primary key")
    config = config_for(own_db, pg_server.password, tmp_path, ORICOL_REALTIME_RESUME_GRACE="4")
    server = await asyncio.to_thread(LiveServer(config).start)
    sock = await RawSocket.open(server)
    await _join_changes(sock, unique("before"), table)
    await admin.execute(f"insert into {table} values (1)")
    assert await _changes(sock, 1) == [{"id": 1}]
    await sock.close()
    await asyncio.to_thread(server.stop)
    await admin.execute(f"insert into {table} values (2)")  # committed while no server runs
    await admin.execute(f"insert into {table} values (3)")
    server = await asyncio.to_thread(LiveServer(config).start)
    try:
        sock = await RawSocket.open(server)
        await _join_changes(sock, unique("after"), table)
        assert await _changes(sock, 2) == [{"id": 2}, {"id": 3}]  # in commit order, none lost
        await sock.close()
    finally:
        await asyncio.to_thread(server.stop)
        await admin.close()


class Process:
    """`oricol start` with only realtime and rest, on a shared database."""

    def __init__(self, db_url: str, password: str, data_dir: Path, **extra: str):
        self.port = pg.free_port()
        env = environ_for(db_url, password, data_dir, ORICOL_PORT=self.port, ORICOL_SERVICES="realtime,rest",
                          ORICOL_REALTIME_RESUME_GRACE="0", ORICOL_REALTIME_NODE_HEARTBEAT="0.3", **extra)
        self.url = f"http://127.0.0.1:{self.port}"
        self.anon_key = env["ORICOL_ANON_KEY"]
        self.service_role_key = env["ORICOL_SERVICE_ROLE_KEY"]
        self.proc = subprocess.Popen([sys.executable, "-m", "oricol", "start"], cwd=data_dir,
                                     env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    async def ready(self, timeout: float = 60) -> "Process":
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient() as http:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise AssertionError(f"oricol start exited: {self.proc.stderr.read().decode()[-2000:]}")
                try:
                    if (await http.get(self.url + "/health", timeout=1)).status_code in (200, 503):
                        return self
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        raise TimeoutError("oricol start did not come up")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.mark.parametrize("fanout", ["redis", "postgres"])
async def test_two_processes_share_changes_broadcast_presence_and_survive_the_leader(
        fanout, own_db, pg_server, tmp_path):
    redis = None
    extra = {}
    if fanout == "redis":
        redis, url = start_redis()
        extra["ORICOL_REDIS_URL"] = url
    admin = await asyncpg.connect(own_db)
    table = await published_table(admin, "shared", "id int primary key")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    leader = await Process(own_db, pg_server.password, tmp_path / "b", **extra).ready()
    await asyncio.sleep(0.5)  # the first process takes the slot's lock
    other = await Process(own_db, pg_server.password, tmp_path / "a", **extra).ready()
    try:
        room = unique("room")
        on_other = await RawSocket.open(other)
        reply = await on_other.join(room, {"presence": {"key": "watcher"}, "postgres_changes": [
            {"event": "INSERT", "schema": "public", "table": table}]})
        assert reply["payload"]["status"] == "ok"
        await on_other.until(lambda m: m["event"] == "system")
        on_leader = await RawSocket.open(leader)
        await on_leader.join(room, {"presence": {"key": "walker"}})
        ref = await on_leader.push(f"realtime:{room}", "presence", {"type": "presence", "event": "track",
                                                                    "payload": {"at": "leader"}})
        await on_leader.reply_to(ref)
        diff = await on_other.until(lambda m: m["event"] == "presence_diff" and "walker" in m["payload"]["joins"])
        assert diff["payload"]["joins"]["walker"]["metas"][0]["at"] == "leader"
        await on_leader.push(f"realtime:{room}", "broadcast", {"type": "broadcast", "event": "hi", "payload": {"x": 1}})
        got = await on_other.until(lambda m: m["event"] == "broadcast")
        assert got["payload"]["payload"] == {"x": 1}
        big = {"text": "é" * 20_000}  # over NOTIFY's 8000-byte limit: sent in parts on that bus
        await on_leader.push(f"realtime:{room}", "broadcast", {"type": "broadcast", "event": "big", "payload": big})
        got = await on_other.until(lambda m: m["event"] == "broadcast")
        assert got["payload"]["payload"] == big
        await admin.execute(f"insert into {table} values (1)")
        assert await _changes(on_other, 1) == [{"id": 1}]
        leader.kill()  # the slot holder dies: its presences leave, the other process takes the slot over
        left = await on_other.until(lambda m: m["event"] == "presence_diff" and "walker" in m["payload"]["leaves"])
        assert left["payload"]["leaves"]["walker"]["metas"][0]["at"] == "leader"
        await admin.execute(f"insert into {table} values (2)")
        assert await _changes(on_other, 1) == [{"id": 2}]
        await on_other.close()
    finally:
        leader.kill()
        other.stop()
        await admin.close()
        if redis is not None:
            redis.kill()
            redis.wait()


async def test_a_node_starts_and_serves_while_redis_is_down_and_joins_the_others_when_it_is_back(
        own_db, pg_server, tmp_path):
    port = pg.free_port()
    url = f"redis://127.0.0.1:{port}/0"
    first = await asyncio.to_thread(LiveServer(config_for(own_db, pg_server.password, tmp_path / "a",
                                                          ORICOL_REDIS_URL=url, ORICOL_SERVICES="realtime")).start)
    redis = second = None
    try:
        room = unique("outage")
        here, there = await RawSocket.open(first), await RawSocket.open(first)
        for sock in (here, there):
            assert (await sock.join(room))["payload"]["status"] == "ok"
        await here.push(f"realtime:{room}", "broadcast", {"type": "broadcast", "event": "local", "payload": {}})
        assert (await there.until(lambda m: m["event"] == "broadcast"))["payload"]["event"] == "local"
        redis, _ = start_redis(port)  # Redis comes back; a second node starts on it
        second = await asyncio.to_thread(LiveServer(config_for(own_db, pg_server.password, tmp_path / "b",
                                                               ORICOL_REDIS_URL=url, ORICOL_SERVICES="realtime")).start)
        remote = await RawSocket.open(second)
        assert (await remote.join(room))["payload"]["status"] == "ok"
        deadline = time.monotonic() + 20
        while True:  # the first node resubscribes within its back-off (at most 5 s)
            await remote.push(f"realtime:{room}", "broadcast", {"type": "broadcast", "event": "remote", "payload": {}})
            try:
                got = await there.until(lambda m: m["event"] == "broadcast", timeout=1)
                break
            except TimeoutError:
                assert time.monotonic() < deadline, "the first node never heard the second through Redis"
        assert got["payload"]["event"] == "remote"
        for sock in (here, there, remote):
            await sock.close()
    finally:
        await asyncio.to_thread(first.stop)
        if second is not None:
            await asyncio.to_thread(second.stop)
        if redis is not None:
            redis.kill()
            redis.wait()
