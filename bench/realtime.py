"""Realtime benchmark: database change latency, broadcast throughput against a bare websocket relay,
and idle connections per GB.

One run, one throwaway PostgreSQL, the server as a real `oricol start --only realtime` process:
1. commit -> client latency (p50/p95/p99) of INSERTs with 1, 100 and 500 subscribers, without RLS and
   with RLS (every subscriber a different user, so RLS is evaluated per subscriber), at a base rate,
   then the rate ramped with 500 subscribers to find the highest held with p95 < 250 ms; each step
   also says the CPU the server, PostgreSQL and the bench's receivers spent per delivery (steadier than
   latency on a shared machine);
2. broadcast deliveries/s with p99 < 100 ms, and the same for a bare `websockets` relay server (each
   message sent to every other socket) measured in the same run: the ratio is what Oricol costs;
3. idle joined sockets: server RSS growth per socket, as sockets per GB.
The receivers of (1) and (2) run in one Node.js process (bench/realtime_clients.mjs); senders and the
idle sockets of (3) in this one; all on the same machine as the server and PostgreSQL, so they compete
for CPU: the figures are a floor, not a ceiling.

    python bench/realtime.py [--quick] [--sections latency,broadcast,idle] [--counts 1,100,500]
                             [--rates 32,64,...] [--rls no|yes|both]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
import orjson
import psutil
import websockets

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from oricol import bootstrap, jwt  # noqa: E402
from tests.support import pg  # noqa: E402
from tests.support.stack import SECRETS, environ_for  # noqa: E402

RELAY = """
import asyncio, sys, websockets
clients = set()
async def handler(ws):
    clients.add(ws)
    try:
        async for message in ws:
            websockets.broadcast([c for c in clients if c is not ws], message)
    except websockets.ConnectionClosed:
        pass
    finally:
        clients.discard(ws)
async def main():
    async with websockets.serve(handler, "127.0.0.1", int(sys.argv[1]), ping_interval=None):
        await asyncio.Future()
asyncio.run(main())
"""


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "n": 0}
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "n": len(ordered)}


class Server:
    def __init__(self, db_url: str, password: str):
        self.root = Path(tempfile.mkdtemp(prefix="oricol-rt-bench-"))
        self.port = pg.free_port()
        env = environ_for(db_url, password, self.root, ORICOL_PORT=self.port, ORICOL_SERVICES="realtime",
                          ORICOL_REALTIME_RESUME_GRACE="0", ORICOL_DB_POOL_SIZE="20")
        profile = ["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]] if os.environ.get("BENCH_PROFILE") else []
        self.proc = subprocess.Popen([sys.executable, *profile, "-m", "oricol", "start"], cwd=self.root,
                                     env={**os.environ, "PYTHONPATH": str(REPO), **env},
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.ws = f"ws://127.0.0.1:{self.port}/realtime/v1/websocket?apikey={SECRETS['anon_key']}&vsn=1.0.0"

    def wait(self) -> None:
        for _ in range(600):
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=1).status_code in (200, 503):
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def rss(self) -> int:
        return psutil.Process(self.proc.pid).memory_info().rss

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(20)


class Subscribers:
    """Receivers in a Node.js process (bench/realtime_clients.mjs): a Python websocket client costs
    more CPU per message than the server, and on a small machine it would measure itself."""

    def __init__(self, url: str, tokens: list[str | None], **config):
        config = {"url": url, "tokens": tokens, **config}
        self.proc = subprocess.Popen(["node", str(REPO / "bench" / "realtime_clients.mjs"), orjson.dumps(config)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the bench subscribers did not start")

    def report(self) -> dict:
        """Since the last report: arrival times (ms since the epoch) by row id, broadcast latencies (ms)
        and the CPU ms the receivers spent."""
        self.proc.stdin.write("report\n")
        self.proc.stdin.flush()
        data = orjson.loads(self.proc.stdout.readline())
        data["received"] = {int(k): v for k, v in data["received"].items()}
        return data

    def close(self) -> None:
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        self.proc.wait(10)


async def make_table(admin: asyncpg.Connection, rls: bool) -> str:
    table = f"bench_{uuid.uuid4().hex[:8]}"
    await admin.execute(f"create table {table} (id bigint primary key, owner uuid, shared boolean, body text)")
    await admin.execute(f"grant select on {table} to anon, authenticated")
    if rls:
        await admin.execute(f"alter table {table} enable row level security")
        await admin.execute(f"create policy r on {table} for select using (shared or owner = auth.uid())")
    await admin.execute(f"alter publication supabase_realtime add table {table}")
    return table


def cpu_seconds(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def postgres_cpu_seconds(postmaster: int | None) -> float:
    """CPU of the PostgreSQL server and its live backends (those that ended meanwhile are not counted:
    the ones that matter here, the server's connections, live through a run)."""
    if postmaster is None:
        return 0.0
    total = 0.0
    for proc in [psutil.Process(postmaster), *psutil.Process(postmaster).children()]:
        try:
            times = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def postmaster_pid(cluster: pg.TestServer) -> int | None:
    """The throwaway cluster's server process (None for a cluster given by ORICOL_TEST_DATABASE_URL)."""
    if cluster.workdir is None:
        return None
    return int((cluster.workdir / "pg" / "postmaster.pid").read_text().split()[0])


async def run_rate(admin, table: str, subs: Subscribers, count: int, rate: float, seconds: float,
                   first_id: int, server_pid: int, postmaster: int | None) -> dict[str, float]:
    """Insert at `rate` for `seconds`; latency from each commit's acknowledgement to each arrival."""
    committed: dict[int, float] = {}
    subs.report()  # forget anything earlier
    server_cpu = cpu_seconds(server_pid)
    postgres_cpu = postgres_cpu_seconds(postmaster)
    interval = 1 / rate
    start = time.perf_counter()
    for n in range(int(rate * seconds)):
        delay = start + n * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        row_id = first_id + n
        await admin.execute(f"insert into {table} values ($1, null, true, 'x')", row_id)
        committed[row_id] = time.time() * 1000
    received: dict[int, list[float]] = {}
    client_ms = 0.0
    deadline = time.perf_counter() + 5
    while True:
        report = subs.report()
        client_ms += report["cpu_ms"]
        for row_id, times in report["received"].items():
            received.setdefault(row_id, []).extend(times)
        done = all(len(received.get(i, ())) >= count for i in committed)
        if done or time.perf_counter() > deadline:
            break
        await asyncio.sleep(0.1)
    latencies = [t - committed[i] for i in committed for t in received.get(i, [])]
    result = percentiles(latencies)
    result["delivered"] = len(latencies) / max(1, len(committed) * count)
    result["server_us"] = (cpu_seconds(server_pid) - server_cpu) * 1e6 / max(1, len(latencies))
    result["postgres_us"] = (postgres_cpu_seconds(postmaster) - postgres_cpu) * 1e6 / max(1, len(latencies))
    result["client_us"] = client_ms * 1e3 / max(1, len(latencies))
    return result


async def latency_section(server: Server, admin, args: argparse.Namespace) -> None:
    print("\n1. commit -> client latency of INSERTs (ms)")
    seconds = 2 if args.quick else 4
    for rls in {"no": (False,), "yes": (True,), "both": (False, True)}[args.rls]:
        for count in args.counts:
            table = await make_table(admin, rls)
            tokens = [jwt.encode({"sub": str(uuid.uuid4()), "role": "authenticated", "exp": int(time.time()) + 3600},
                                 SECRETS["jwt_secret"]) if rls else None for _ in range(count)]
            subs = Subscribers(server.ws, tokens, table=table)
            await asyncio.sleep(0.5)
            base = await run_rate(admin, table, subs, count, 10, seconds, 1, server.proc.pid, args.postmaster)
            line = (f"  rls={'yes' if rls else 'no ':3} subscribers={count:3}  10 changes/s: p50 {base['p50']:6.1f}  "
                    f"p95 {base['p95']:6.1f}  p99 {base['p99']:6.1f}  delivered {base['delivered']:.0%}  "
                    f"CPU per delivery: server {base['server_us']:.0f} us, PostgreSQL {base['postgres_us']:.0f} us, "
                    f"bench clients {base['client_us']:.0f} us")
            if count == max(args.counts) and count > 1:
                held = 0
                next_id = 100_000
                for rate in args.rates:
                    got = await run_rate(admin, table, subs, count, rate, seconds, next_id, server.proc.pid,
                                         args.postmaster)
                    next_id += 100_000
                    print(f"    {rate:4}/s: p50 {got['p50']:7.1f}  p95 {got['p95']:7.1f}  p99 {got['p99']:7.1f}  "
                          f"delivered {got['delivered']:.0%}  server {got['server_us']:.1f} us, "
                          f"PostgreSQL {got['postgres_us']:.1f} us, clients {got['client_us']:.1f} us per delivery")
                    if got["p95"] < 250 and got["delivered"] >= 0.999:
                        held = rate
                    else:
                        break
                line += f"\n    highest rate held with p95 < 250 ms to {count} subscribers: {held}/s " \
                        f"(Supabase publishes {'30' if rls else '64'}/s to 500)"
            print(line)
            subs.close()


async def broadcast_rate(url: str, join: bool, receivers: int, rate: int, seconds: float) -> dict[str, float]:
    """One sender at `rate` messages/s to `receivers` sockets (in Node.js); latency from the sender's stamp."""
    topic = f"realtime:{uuid.uuid4().hex[:8]}"
    subs = Subscribers(url, [None] * receivers, topic=topic, join=join)
    sender = await websockets.connect(url, ping_interval=None, max_queue=None)
    if join:
        await sender.send(orjson.dumps({"topic": topic, "event": "phx_join", "payload": {"config": {}},
                                        "ref": "1", "join_ref": "1"}).decode())
        await sender.recv()
    latencies: list[float] = []
    start = time.perf_counter()
    total = int(rate * seconds)
    for n in range(total):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await sender.send(orjson.dumps({"topic": topic, "event": "broadcast", "ref": None, "payload": {
            "type": "broadcast", "event": "e", "payload": {"t": time.time() * 1000}}}).decode())
    deadline = time.perf_counter() + 3
    while True:
        latencies += subs.report()["latencies"]
        if len(latencies) >= total * receivers or time.perf_counter() > deadline:
            break
        await asyncio.sleep(0.05)
    subs.close()
    await sender.close()
    result = percentiles(latencies)
    result["delivered"] = len(latencies) / (total * receivers)
    return result


async def broadcast_section(server: Server, quick: bool) -> None:
    print("\n2. broadcast deliveries/s with p99 < 100 ms (20 receivers, one sender)")
    port = pg.free_port()
    relay = subprocess.Popen([sys.executable, "-c", RELAY, str(port)])
    await asyncio.sleep(1.0)
    best = {}
    try:
        for name, url, join in (("oricol", server.ws, True), ("bare relay", f"ws://127.0.0.1:{port}", False)):
            held = 0
            for rate in (200, 400, 800, 1200, 1600, 2400, 3200, 4800, 6400, 9600):
                got = await broadcast_rate(url, join, 20, rate, 1.5 if quick else 3)
                print(f"  {name:10} {rate:4} msgs/s x 20: p50 {got['p50']:6.1f}  p99 {got['p99']:7.1f} ms  "
                      f"delivered {got['delivered']:.0%}")
                if got["p99"] < 100 and got["delivered"] >= 0.999:
                    held = rate * 20
                else:
                    break
            best[name] = held
            print(f"  {name}: {held} deliveries/s")
    finally:
        relay.terminate()
        relay.wait()
    if best.get("bare relay"):
        print(f"  ratio oricol / bare relay: {best['oricol'] / best['bare relay']:.2f}")


async def idle_section(server: Server, quick: bool) -> None:
    count = 1000 if quick else 3000
    print(f"\n3. idle joined sockets ({count}, after {count // 2} to warm the server up)")

    async def open_idle(n: int) -> list:
        sockets = []
        for k in range(n):
            ws = await websockets.connect(server.ws, ping_interval=None)
            await ws.send(orjson.dumps({"topic": f"realtime:idle{k % 50}", "event": "phx_join",
                                        "payload": {"config": {}}, "ref": "1", "join_ref": "1"}).decode())
            await ws.recv()
            sockets.append(ws)
        return sockets

    # The first sockets also grow the allocator's pools and the server's caches; the steady cost of a
    # socket is what the next ones add.
    sockets = await open_idle(count // 2)
    await asyncio.sleep(1.0)
    before = server.rss()
    sockets += await open_idle(count)
    await asyncio.sleep(1.0)
    after = server.rss()
    per = max(1, (after - before) / count)
    print(f"  server RSS {before / 2**20:.0f} MB -> {after / 2**20:.0f} MB: {per / 1024:.1f} KB per socket, "
          f"{int(2**30 / per):,} sockets per GB (goal: 10,000 in < 1 GB)")
    for ws in sockets:
        await ws.close()


async def main(args: argparse.Namespace) -> None:
    cluster = pg.start_server()
    try:
        name = "rtbench"
        conn = await asyncpg.connect(cluster.admin_url)
        await conn.execute(f'create database "{name}"')
        await conn.close()
        db_url = cluster.url_for(name)
        await bootstrap.prepare(db_url, cluster.password, None)
        server = Server(db_url, cluster.password)
        server.wait()
        admin = await asyncpg.connect(db_url)
        args.postmaster = postmaster_pid(cluster)
        # The throwaway cluster runs with synchronous_commit off for tests; then a commit reaches the
        # WAL (and logical decoding) only at the WAL writer's next flush, up to 200 ms later. Writers
        # here commit as PostgreSQL's default (and the embedded cluster) does.
        await admin.execute("set synchronous_commit = on")
        try:
            if "latency" in args.sections:
                await latency_section(server, admin, args)
            if "broadcast" in args.sections:
                await broadcast_section(server, args.quick)
            if "idle" in args.sections:
                await idle_section(server, args.quick)
        finally:
            await admin.close()
            server.stop()
            conn = await asyncpg.connect(cluster.admin_url)
            await pg._drop_replication_slots(conn, name)
            await conn.close()
    finally:
        cluster.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter steps, fewer idle sockets")
    parser.add_argument("--sections", default="latency,broadcast,idle", type=lambda v: v.split(","))
    parser.add_argument("--counts", default="1,100,500", type=lambda v: [int(x) for x in v.split(",")],
                        help="subscriber counts; the rate ramp runs with the largest")
    parser.add_argument("--rates", default="32,64,128,256,512,1024", type=lambda v: [int(x) for x in v.split(",")])
    parser.add_argument("--rls", choices=("no", "yes", "both"), default="both")
    asyncio.run(main(parser.parse_args()))
