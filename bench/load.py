"""A helpdesk-like load for a fixed time against a real `oricol start`, every service at once.

Each simulated agent signs up and signs in, then loops: list open tickets with the assignee embedded,
open a ticket, comment on it, upload a small attachment into their folder — while holding a realtime
subscription to ticket changes. Prints throughput, p50/p99 per operation, errors (must be 0), realtime
deliveries and the peak memory of the whole stack (server + PostgreSQL).

    python bench/load.py [--clients 20] [--seconds 30]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

import httpx
import psutil
import websockets

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "foundation" / "fixtures" / "supabase_migrations"
COMMENTS = """
create table public.ticket_comments (
  id bigint generated always as identity primary key,
  ticket_id uuid not null references public.tickets (id) on delete cascade,
  author uuid not null default auth.uid() references auth.users (id),
  body text not null,
  created_at timestamptz not null default now()
);
alter table public.ticket_comments enable row level security;
create policy "Authors comment" on public.ticket_comments for insert to authenticated with check (author = auth.uid());
create policy "Authors read" on public.ticket_comments for select to authenticated using (author = auth.uid());
"""


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="oricol-load-"))
        os.chmod(self.root, 0o755)
        migrations = self.root / "migrations"
        shutil.copytree(FIXTURES, migrations)
        (migrations / "20240201000000_comments.sql").write_text(COMMENTS)
        self.port = free_port()
        self.env = {**os.environ, "PYTHONPATH": str(REPO), "ORICOL_PORT": str(self.port),
                    "ORICOL_DB_PORT": str(free_port()), "ORICOL_MAIL_SMTP_PORT": str(free_port()),
                    "ORICOL_MAIL_HTTP_PORT": str(free_port()), "ORICOL_DATA_DIR": str(self.root / "data"),
                    "ORICOL_MIGRATIONS_DIR": str(migrations), "ORICOL_LOG_LEVEL": "warning",
                    "ORICOL_AUTH_AUTOCONFIRM": "true", "ORICOL_AUTH_RATE_LIMITS": "false",
                    "ORICOL_DB_POOL_SIZE": "20"}
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        subprocess.run([sys.executable, "-m", "oricol", "init"], cwd=self.root, env=self.env, check=True,
                       capture_output=True)
        self.process = subprocess.Popen([sys.executable, "-m", "oricol", "start"], cwd=self.root, env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=open(self.root / "server.log", "wb"))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        keys = json.loads(subprocess.run([sys.executable, "-m", "oricol", "keys", "--json"], cwd=self.root,
                                         env=self.env, check=True, capture_output=True, text=True).stdout)
        self.anon_key = keys["anon_key"]

    def memory_mb(self) -> float:
        procs = [psutil.Process(self.process.pid)]
        pid_file = self.root / "data" / "postgres" / "postmaster.pid"
        if pid_file.exists():
            pg = psutil.Process(int(pid_file.read_text().split()[0]))
            procs += [pg] + pg.children(recursive=True)
        total = 0
        for proc in procs:
            try:
                info = proc.memory_full_info()
                total += getattr(info, "pss", info.rss)
            except psutil.Error:
                pass
        return total / 2**20

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(60)
        shutil.rmtree(self.root, ignore_errors=True)


class Results:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []
        self.deliveries = 0

    async def timed(self, name: str, call) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await call
        except Exception as error:  # a transport error counts as an error of that operation
            self.errors[name] += 1
            self.samples.append(f"{name}: {error!r}")
            return None
        self.latencies[name].append(time.perf_counter() - started)
        if response.status_code >= 400:
            self.errors[name] += 1
            if len(self.samples) < 10:
                self.samples.append(f"{name}: {response.status_code} {response.text[:200]}")
        return response


async def subscriber(stack: Stack, token: str, results: Results, stop: asyncio.Event) -> None:
    url = f"ws://127.0.0.1:{stack.port}/realtime/v1/websocket?apikey={stack.anon_key}&vsn=1.0.0"
    async with websockets.connect(url, max_size=2**22) as socket:
        await socket.send(json.dumps({
            "topic": "realtime:tickets", "event": "phx_join", "ref": "1", "join_ref": "1",
            "payload": {"config": {"broadcast": {"self": False, "ack": False}, "presence": {"key": ""},
                                   "postgres_changes": [{"event": "*", "schema": "public", "table": "tickets"}],
                                   "private": False}, "access_token": token}}))
        ref = 1
        last_beat = time.monotonic()
        while not stop.is_set():
            try:
                message = json.loads(await asyncio.wait_for(socket.recv(), timeout=1))
                if message.get("event") == "postgres_changes":
                    results.deliveries += 1
            except asyncio.TimeoutError:
                pass
            if time.monotonic() - last_beat > 20:
                ref += 1
                await socket.send(json.dumps({"topic": "phoenix", "event": "heartbeat", "payload": {}, "ref": str(ref)}))
                last_beat = time.monotonic()


async def agent(stack: Stack, results: Results, stop: asyncio.Event, ready: asyncio.Event) -> None:
    headers = {"apikey": stack.anon_key}
    async with httpx.AsyncClient(base_url=stack.url, headers=headers, timeout=30) as http:
        email = f"agent-{uuid.uuid4().hex[:10]}@load.test"
        await results.timed("sign_up", http.post("/auth/v1/signup", json={"email": email, "password": "load-pass-123"}))
        response = await results.timed("sign_in", http.post("/auth/v1/token?grant_type=password",
                                                             json={"email": email, "password": "load-pass-123"}))
        if response is None or response.status_code != 200:
            return
        session = response.json()
        token, user_id = session["access_token"], session["user"]["id"]
        auth = {"authorization": f"Bearer {token}"}
        watcher = asyncio.create_task(subscriber(stack, token, results, stop))
        await ready.wait()
        n = 0
        while not stop.is_set():
            n += 1
            await results.timed("list_tickets", http.get(
                "/rest/v1/tickets", params={"select": "id,title,status,assignee:profiles!assigned_to(full_name)",
                                            "status": "eq.open", "order": "created_at.desc", "limit": "20"},
                headers=auth))
            created = await results.timed("create_ticket", http.post(
                "/rest/v1/tickets", json={"title": f"printer {n}", "created_by": user_id},
                headers={**auth, "prefer": "return=representation"}))
            if created is not None and created.status_code == 201:
                ticket = created.json()[0]["id"]
                await results.timed("comment", http.post(
                    "/rest/v1/ticket_comments", json={"ticket_id": ticket, "body": "rebooted it"},
                    headers={**auth, "prefer": "return=minimal"}))
            await results.timed("upload", http.post(
                f"/storage/v1/object/documents/{user_id}/{uuid.uuid4().hex}.pdf", content=b"%PDF-1.4 " + os.urandom(2048),
                headers={**auth, "content-type": "application/pdf"}))
        await watcher


async def run(clients: int, seconds: float) -> None:
    stack = Stack()
    stack.start()
    results = Results()
    stop, ready = asyncio.Event(), asyncio.Event()
    peak = 0.0
    try:
        tasks = [asyncio.create_task(agent(stack, results, stop, ready)) for _ in range(clients)]
        await asyncio.sleep(2)  # sign-ups and subscriptions settle
        ready.set()
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            await asyncio.sleep(1)
            peak = max(peak, await asyncio.to_thread(stack.memory_mb))
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=60)
        elapsed = time.perf_counter() - started
    finally:
        stack.stop()
    print(f"{clients} agents for {elapsed:.1f} s")
    print(f"{'operation':16}{'count':>8}{'per s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    total = 0
    for name, values in results.latencies.items():
        values.sort()
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        total += len(values)
        print(f"{name:16}{len(values):8}{len(values) / elapsed:9.1f}{statistics.median(values) * 1000:9.1f}"
              f"{p99 * 1000:9.1f}{results.errors.get(name, 0):8}")
    print(f"requests/s overall: {total / elapsed:.1f}; errors: {sum(results.errors.values())}; "
          f"realtime deliveries: {results.deliveries}; peak PSS of the stack: {peak:.0f} MB")
    for sample in results.samples[:10]:
        print("  error:", sample)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    asyncio.run(run(args.clients, args.seconds))


if __name__ == "__main__":
    main()
