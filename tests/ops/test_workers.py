"""`oricol start --workers 2` on real processes and sockets: both workers serve the one port, a realtime
change reaches subscribers whichever worker holds their socket, a worker killed with SIGKILL is restarted
while the node keeps answering, and `oricol stop` ends the supervisor, the workers and PostgreSQL."""
from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import threading
import time
import uuid

import httpx
import pytest
import websockets

from tests.support.pg import free_port
from tests.support.project import alive, gone, project_in_tmp

pytestmark = pytest.mark.system


def start_node(project, workers: str = "2") -> None:
    project.env.update({"ORICOL_AUTH_AUTOCONFIRM": "true", "ORICOL_AUTH_RATE_LIMITS": "false",
                        "ORICOL_METRICS_PORT": str(free_port())})
    project.cli("init")
    project.start(args=("--workers", workers))


@pytest.fixture(scope="module")
def node():
    with project_in_tmp() as project:
        start_node(project)
        yield project


def health(project) -> dict:
    return httpx.get(project.url + "/health", timeout=5).json()


def node_metrics(project) -> str:
    return httpx.get(f"http://127.0.0.1:{project.env['ORICOL_METRICS_PORT']}/metrics", timeout=5).text


def per_worker(text: str, metric: str, **labels: str) -> dict[str, float]:
    """Sums `metric` samples carrying `labels`, by their worker label."""
    totals: dict[str, float] = {}
    for line in text.splitlines():
        if not line.startswith(metric + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}", 1)[0]))
        if all(found.get(k) == v for k, v in labels.items()) and "worker" in found:
            totals[found["worker"]] = totals.get(found["worker"], 0) + float(line.rsplit(" ", 1)[1])
    return totals


async def test_both_workers_serve_the_one_port(node):
    anon = node.keys()["anon_key"]
    served: dict[str, float] = {}
    # A new connection per request: the kernel hands each to whichever worker accepts first.
    async def one() -> int:
        async with httpx.AsyncClient(headers={"apikey": anon}, timeout=10) as http:
            return (await http.get(node.url + "/rest/v1/tickets?select=id&limit=1")).status_code

    for _ in range(20):
        assert set(await asyncio.gather(*(one() for _ in range(16)))) == {200}
        served = per_worker(node_metrics(node), "oricol_http_requests_total", service="rest")
        if len(served) == 2:
            break
    assert set(served) == {"0", "1"} and all(count > 0 for count in served.values()), served
    # The JSON log lines say which worker (and pid) served each request.
    lines = [json.loads(text) for text in (node.root / "data" / "logs" / "oricol.jsonl").read_text().splitlines()]
    requests = [line for line in lines if line.get("msg") == "request" and line.get("service") == "rest"]
    assert {line["worker"] for line in requests} == {0, 1}
    assert len({line["pid"] for line in requests}) == 2
    # Node-level parts answer once, from the supervisor, whichever worker serves /health.
    body = health(node)
    assert body["status"] == "healthy" and body["parts"]["mail"] == "up" and body["parts"]["backup"] == "up"
    assert body["workers"]["wanted"] == 2
    status = node.cli("status")
    assert "workers    2/2 serving" in status.stdout


async def subscribe(url: str, anon: str, token: str, got: asyncio.Queue, ready: asyncio.Event) -> None:
    socket_url = url.replace("http", "ws", 1) + f"/realtime/v1/websocket?apikey={anon}&vsn=1.0.0"
    async with websockets.connect(socket_url) as socket:
        await socket.send(json.dumps({
            "topic": "realtime:workers", "event": "phx_join", "ref": "1", "join_ref": "1",
            "payload": {"config": {"broadcast": {"self": False}, "presence": {"key": ""},
                                   "postgres_changes": [{"event": "INSERT", "schema": "public", "table": "tickets"}],
                                   "private": False}, "access_token": token}}))
        while True:
            message = json.loads(await socket.recv())
            if message["event"] == "system" and message["payload"].get("status") == "ok":
                ready.set()
            if message["event"] == "postgres_changes":
                await got.put(message["payload"]["data"]["record"]["title"])


async def test_a_change_written_through_rest_reaches_subscribers_on_every_worker(node):
    anon = node.keys()["anon_key"]
    async with httpx.AsyncClient(headers={"apikey": anon}, timeout=30) as http:
        email = f"w-{uuid.uuid4().hex[:8]}@workers.test"
        session = (await http.post(node.url + "/auth/v1/signup", json={"email": email, "password": "workers-pass-1"})).json()
        token, user_id = session["access_token"], session["user"]["id"]
        # Open sockets until both workers hold at least one (each socket is a new connection).
        listeners: list[tuple[asyncio.Task, asyncio.Queue]] = []
        sockets: dict[str, float] = {}
        while len(sockets) < 2 and len(listeners) < 16:
            got, ready = asyncio.Queue(), asyncio.Event()
            listeners.append((asyncio.create_task(subscribe(node.url, anon, token, got, ready)), got))
            await asyncio.wait_for(ready.wait(), timeout=20)
            sockets = {w: n for w, n in per_worker(node_metrics(node), "oricol_realtime_connections").items() if n}
        assert set(sockets) == {"0", "1"}, sockets
        title = f"seen everywhere {uuid.uuid4().hex[:6]}"
        created = await http.post(node.url + "/rest/v1/tickets", json={"title": title, "created_by": user_id},
                                  headers={"authorization": f"Bearer {token}", "prefer": "return=minimal"})
        assert created.status_code == 201, created.text
        for task, got in listeners:
            assert await asyncio.wait_for(got.get(), timeout=20) == title
            task.cancel()


async def test_a_killed_worker_is_restarted_while_the_node_keeps_answering(node):
    before = health(node)["workers"]
    assert before["serving"] == 2
    victim = before["pids"]["1"]
    os.kill(victim, signal.SIGKILL)
    assert gone(victim)
    # Meanwhile the other worker answers every request.
    deadline, answers = time.monotonic() + 30, []
    async with httpx.AsyncClient(timeout=10) as http:
        while time.monotonic() < deadline:
            response = await http.get(node.url + "/health")
            answers.append(response.status_code)
            workers = response.json()["workers"]
            if workers["serving"] == 2 and workers["pids"]["1"] != victim:
                break
            await asyncio.sleep(0.1)
    assert set(answers) == {200}
    assert workers["serving"] == 2 and workers["restarts"] == before["restarts"] + 1, workers
    assert alive(workers["pids"]["1"]) and workers["pids"]["0"] == before["pids"]["0"]
    assert 'oricol_worker_restarts_total{worker="1"} 1' in node_metrics(node)


def test_oricol_stop_ends_the_supervisor_every_worker_and_postgres():
    with project_in_tmp() as project:
        start_node(project)
        pids = list(health(project)["workers"]["pids"].values())
        supervisor = project.process.pid
        postmaster = project.postmaster_pid()
        reaped = threading.Thread(target=project.process.wait)  # so the supervisor does not linger as a zombie
        reaped.start()
        stopped = project.cli("stop", timeout=90)
        reaped.join(30)
        assert "stopped" in stopped.stdout
        assert project.process.returncode == 0
        project.process = None
        for pid in (supervisor, *pids, postmaster):
            assert gone(pid), pid
