"""Helpdesk benchmark: the web app's three hottest reads on a demo organisation, p50/p95 through
/rest/v1 beside the same query written as SQL and run directly (asyncpg, same role and claims).

    python bench/helpdesk.py [--tickets 100000] [--comments-per-ticket 10] [--requests 200]

(a) an agent's ticket list: status + assignee filter, newest updated first, page of 50, requester and
    assignee embedded, exact count                                               goal p95 <= 50 ms
(b) full-text search through the search_tickets RPC, 25 best matches            goal p95 <= 100 ms
(c) a requester's "my tickets": own tickets, newest first, page of 50, count    goal p95 <= 20 ms
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from oricol import bootstrap, jwt  # noqa: E402
from oricol.helpdesk import demo  # noqa: E402
from oricol.initenv import generate  # noqa: E402
from oricol.pg.embedded import Cluster  # noqa: E402

PASSWORD = "bench-password-123"
WORDS = ["printer", "vpn", "outlook password", "laptop", "wi-fi boardroom", "excel", "invoice", "monitor"]
STATUSES = ["open", "pending", "resolved", "closed"]

AGENT_LIST_SQL = """
with page as (
  select t.* from helpdesk.tickets t where t.status = $1::helpdesk.ticket_status and t.assignee_id = $2::uuid
  order by t.updated_at desc limit 50)
select (select count(*) from helpdesk.tickets t where t.status = $1::helpdesk.ticket_status and t.assignee_id = $2::uuid),
       coalesce(json_agg(json_build_object(
         'id', p.id, 'number', p.number, 'title', p.title, 'status', p.status, 'priority', p.priority,
         'updated_at', p.updated_at,
         'requester', (select json_build_object('full_name', m.full_name, 'email', m.email)
                       from helpdesk.members m where m.user_id = p.requester_id),
         'assignee', (select json_build_object('full_name', m.full_name) from helpdesk.members m where m.user_id = p.assignee_id))
         order by p.updated_at desc), '[]')
from page p
"""
SEARCH_SQL = """
select coalesce(json_agg(json_build_object('id', s.id, 'number', s.number, 'title', s.title, 'status', s.status)), '[]')
from (select * from helpdesk.search_tickets($1) limit 25) s
"""
MINE_SQL = """
with page as (
  select t.* from helpdesk.tickets t where t.requester_id = $1::uuid order by t.updated_at desc limit 50)
select (select count(*) from helpdesk.tickets t where t.requester_id = $1::uuid),
       coalesce(json_agg(json_build_object('id', p.id, 'number', p.number, 'title', p.title, 'status', p.status,
         'updated_at', p.updated_at,
         'assignee', (select json_build_object('full_name', m.full_name) from helpdesk.members m where m.user_id = p.assignee_id))
         order by p.updated_at desc), '[]')
from page p
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2] * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000


async def timed(once, n: int) -> tuple[float, float]:
    for i in range(min(10, n)):  # warm caches and plans
        await once(i)
    samples = []
    for i in range(n):
        started = time.perf_counter()
        await once(i)
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def token_for(user_id: str, secret: str) -> str:
    return jwt.encode({"role": "authenticated", "sub": user_id, "aud": "authenticated",
                       "exp": int(time.time()) + 7200}, secret)


async def direct(pool: asyncpg.Pool, user_id: str, sql: str, *args) -> None:
    claims = json.dumps({"sub": user_id, "role": "authenticated"})
    async with pool.acquire() as conn:
        async with conn.transaction(readonly=True):
            await conn.execute("select set_config('role', 'authenticated', true), "
                               "set_config('request.jwt.claims', $1, true)", claims)
            await conn.fetchrow(sql, *args)


async def scenarios(conn: asyncpg.Connection) -> dict:
    agents = [str(r["assignee_id"]) for r in await conn.fetch(
        "select assignee_id from helpdesk.tickets where assignee_id is not null group by 1 order by count(*) desc limit 4")]
    requesters = [str(r["requester_id"]) for r in await conn.fetch(
        "select requester_id from helpdesk.tickets group by 1 order by count(*) desc limit 20")]
    return {"agents": agents, "requesters": requesters}


async def report(args, port: int, pool: asyncpg.Pool, who: dict, secret: str, anon_key: str) -> None:
    tokens = {uid: token_for(uid, secret) for uid in who["agents"] + who["requesters"]}
    base = f"http://127.0.0.1:{port}/rest/v1"
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        async def get(path: str, params: dict, uid: str, count: bool = False) -> None:
            headers = {"apikey": anon_key, "authorization": f"Bearer {tokens[uid]}", "accept-profile": "helpdesk"}
            if count:
                headers["prefer"] = "count=exact"
            response = await http.get(path, params=params, headers=headers)
            if response.status_code >= 400:
                raise RuntimeError(f"{path}: {response.status_code} {response.text}")

        def agent_of(i):
            return who["agents"][i % len(who["agents"])], STATUSES[i % len(STATUSES)]

        async def agent_rest(i):
            uid, status = agent_of(i)
            await get("/tickets", {"select": "id,number,title,status,priority,updated_at,"
                                             "requester:members!tickets_requester_id_fkey(full_name,email),"
                                             "assignee:members!tickets_assignee_id_fkey(full_name)",
                                   "status": f"eq.{status}", "assignee_id": f"eq.{uid}", "order": "updated_at.desc",
                                   "limit": "50"}, uid, count=True)

        async def agent_sql(i):
            uid, status = agent_of(i)
            await direct(pool, uid, AGENT_LIST_SQL, status, uid)

        async def search_rest(i):
            uid = who["agents"][i % len(who["agents"])]
            await get("/rpc/search_tickets", {"q": WORDS[i % len(WORDS)], "select": "id,number,title,status",
                                              "limit": "25"}, uid)

        async def search_sql(i):
            await direct(pool, who["agents"][i % len(who["agents"])], SEARCH_SQL, WORDS[i % len(WORDS)])

        async def mine_rest(i):
            uid = who["requesters"][i % len(who["requesters"])]
            await get("/tickets", {"select": "id,number,title,status,updated_at,"
                                             "assignee:members!tickets_assignee_id_fkey(full_name)",
                                   "requester_id": f"eq.{uid}", "order": "updated_at.desc", "limit": "50"}, uid, count=True)

        async def mine_sql(i):
            uid = who["requesters"][i % len(who["requesters"])]
            await direct(pool, uid, MINE_SQL, uid)

        print(f"{'request':44}{'REST p50':>10}{'p95':>8} | {'SQL p50':>8}{'p95':>8} | goal p95")
        for name, rest, sql, goal in (("a agent list (status+assignee, 50, embeds, count)", agent_rest, agent_sql, 50),
                                      ("b full-text search (RPC, 25)", search_rest, search_sql, 100),
                                      ("c requester's my tickets (50, count)", mine_rest, mine_sql, 20)):
            r50, r95 = await timed(rest, args.requests)
            s50, s95 = await timed(sql, args.requests)
            verdict = "ok" if r95 <= goal else "MISSED"
            print(f"{name:44}{r50:10.1f}{r95:8.1f} | {s50:8.1f}{s95:8.1f} | <= {goal} ms {verdict}")


async def run(args) -> None:
    root = Path(tempfile.mkdtemp(prefix="oricol-helpdesk-bench-"))
    os.chmod(root, 0o755)
    cluster = Cluster(pg_dir=root / "pg", socket_dir=root / "run", port=free_port(),
                      extra_settings={"max_connections": "60", "shared_buffers": "256MB"})
    cluster.init(PASSWORD)
    cluster.start()
    server = None
    try:
        admin_url = cluster.url(PASSWORD)
        await bootstrap.prepare(admin_url, PASSWORD, None)
        conn = await asyncpg.connect(admin_url)
        started = time.perf_counter()
        summary = await demo.load(conn, tickets=args.tickets, comments_per_ticket=args.comments_per_ticket,
                                  progress=lambda line: print(f"  {time.perf_counter() - started:6.1f}s {line}", flush=True))
        print(f"demo: {summary.counts} in {summary.seconds:.1f} s")
        who = await scenarios(conn)
        await conn.close()
        keys = generate()
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(REPO), "ORICOL_DATABASE_URL": admin_url, "ORICOL_PORT": str(port),
               "ORICOL_JWT_SECRET": keys["jwt_secret"], "ORICOL_ANON_KEY": keys["anon_key"],
               "ORICOL_SERVICE_ROLE_KEY": keys["service_role_key"], "ORICOL_POSTGRES_PASSWORD": PASSWORD,
               "ORICOL_DASHBOARD_PASSWORD": keys["dashboard_password"], "ORICOL_SERVICES": "rest",
               "ORICOL_DATA_DIR": str(root / "data"), "ORICOL_MIGRATIONS_DIR": str(root / "none"),
               "ORICOL_LOG_LEVEL": "error", "ORICOL_BACKUP_ENABLED": "false"}
        server = subprocess.Popen([sys.executable, "-m", "oricol", "start"], cwd=root, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        await wait_healthy(port)
        pool = await asyncpg.create_pool(admin_url, min_size=2, max_size=2)
        await report(args, port, pool, who, keys["jwt_secret"], keys["anon_key"])
        await pool.close()
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
        cluster.stop(mode="immediate")
        shutil.rmtree(root, ignore_errors=True)


async def wait_healthy(port: int) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(1200):
            try:
                if (await http.get(f"http://127.0.0.1:{port}/health")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the server did not become healthy")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--comments-per-ticket", type=float, default=10.0)
    parser.add_argument("--requests", type=int, default=200)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
