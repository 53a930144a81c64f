"""Start-up benchmark: cold start (initdb included) and warm start to a green /health, and idle memory.

Baselines measured in the same run: the bare PostgreSQL steps (initdb + pg_ctl start, and pg_ctl start)
on the same machine, so the ratios say what Oricol adds. Goals: warm <= 3 s, cold <= 15 s, idle RSS of the
whole stack (server + PostgreSQL) <= 200 MB (issue 16).

Where the memory is: a table of RSS, PSS and USS per kind of process (the server, the postmaster, PostgreSQL's
background processes, client backends by application_name), taken after IDLE_SECONDS of idleness. Then the
first request to each service and the same request again, so a cost moved into the first request shows.

    python bench/startup.py [--rounds 3]
"""
from __future__ import annotations

import argparse
import asyncio
import io
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from oricol.pg.embedded import Cluster  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def project_dir() -> Path:
    root = Path(tempfile.mkdtemp(prefix="oricol-bench-"))
    os.chmod(root, 0o755)
    return root


def env_for(root: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "ORICOL_PORT": str(free_port()), "ORICOL_DB_PORT": str(free_port()),
            "ORICOL_MAIL_SMTP_PORT": str(free_port()), "ORICOL_MAIL_HTTP_PORT": str(free_port()),
            "ORICOL_DATA_DIR": str(root / "data"), "ORICOL_MIGRATIONS_DIR": str(root / "migrations"),
            "ORICOL_LOG_LEVEL": "warning"}


def start_to_healthy(root: Path, env: dict[str, str]) -> tuple[float, subprocess.Popen]:
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "oricol", "start"], cwd=root, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{env['ORICOL_PORT']}/health"
    while True:
        if process.poll() is not None:
            raise RuntimeError("oricol start exited early")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return time.perf_counter() - started, process
        except httpx.HTTPError:
            pass
        time.sleep(0.02)


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(60)


IDLE_SECONDS = 3


def backend_kinds(pg_dir: Path) -> dict[int, str]:
    """pid -> what a PostgreSQL process is: its backend_type, and for client backends the application_name
    (or, unnamed, the start of its last statement, which says whose connection it is)."""
    lines = (pg_dir / "postmaster.pid").read_text().splitlines()
    port, socket_dir = int(lines[3]), lines[4]

    async def read() -> dict[int, str]:
        conn = await asyncpg.connect(host=socket_dir, port=port, user="postgres", database="postgres")
        try:
            rows = await conn.fetch("select pid, backend_type, application_name, usename, query from pg_stat_activity"
                                    " where pid <> pg_backend_pid()")
        finally:
            await conn.close()
        kinds = {}
        for row in rows:
            if row["backend_type"] not in ("client backend", "walsender"):
                kinds[row["pid"]] = row["backend_type"]
            elif row["application_name"]:
                kinds[row["pid"]] = f"backend {row['application_name']}"
            else:
                statement = " ".join((row["query"] or "").split())[:28]
                kinds[row["pid"]] = f"backend ({row['usename']}: {statement})"
        return kinds

    return asyncio.run(read())


def stack_processes(process: subprocess.Popen, pg_dir: Path) -> list[tuple[str, psutil.Process]]:
    """(kind, process) for the server, its children and every PostgreSQL process of the cluster."""
    server = psutil.Process(process.pid)
    found = [("server", server)] + [("server child: " + " ".join(child.cmdline()[1:3])[:30], child)
                                    for child in server.children(recursive=True)]
    postmaster = psutil.Process(int((pg_dir / "postmaster.pid").read_text().split()[0]))
    kinds = backend_kinds(pg_dir)
    found.append(("postmaster", postmaster))
    found += [(kinds.get(child.pid, "other postgres"), child) for child in postmaster.children()]
    return found


def memory_table(processes: list[tuple[str, psutil.Process]]) -> dict[str, list[float]]:
    """kind -> [count, RSS, PSS, USS] in MB."""
    table: dict[str, list[float]] = {}
    for kind, proc in processes:
        try:
            info = proc.memory_full_info()
        except psutil.NoSuchProcess:
            continue
        row = table.setdefault(kind, [0, 0.0, 0.0, 0.0])
        row[0] += 1
        row[1] += info.rss / 2**20
        row[2] += getattr(info, "pss", info.rss) / 2**20
        row[3] += info.uss / 2**20
    return table


def print_memory_table(table: dict[str, list[float]]) -> None:
    print(f"{'process kind (idle)':52}{'n':>3}{'RSS MB':>9}{'PSS MB':>9}{'USS MB':>9}")
    for kind, (count, rss, pss, uss) in sorted(table.items(), key=lambda item: -item[1][2]):
        print(f"{kind:52}{count:3d}{rss:9.1f}{pss:9.1f}{uss:9.1f}")
    totals = [sum(row[i] for row in table.values()) for i in range(4)]
    print(f"{'total':52}{int(totals[0]):3d}{totals[1]:9.1f}{totals[2]:9.1f}{totals[3]:9.1f}")


def env_file(root: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in (root / ".env").read_text().splitlines() if "=" in line and line[0] != "#")
    return {name.strip(): value.strip() for name, value in pairs}


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def first_requests(root: Path, env: dict[str, str]) -> dict[str, tuple[float, float]]:
    """name -> (first, second) time in ms of one request per service, sent right after the idle measure."""
    keys = env_file(root)
    anon = {"apikey": keys["ORICOL_ANON_KEY"]}
    service = {"apikey": keys["ORICOL_SERVICE_ROLE_KEY"], "authorization": f"Bearer {keys['ORICOL_SERVICE_ROLE_KEY']}"}
    requests: list[tuple[str, str, str, dict, dict | bytes | None]] = [
        ("auth settings", "GET", "/auth/v1/settings", anon, None),
        ("auth sign-up (mail)", "POST", "/auth/v1/signup", anon, {"email": "", "password": "bench-password-1"}),
        ("rest read", "GET", "/rest/v1/tickets?limit=1", {**service, "accept-profile": "helpdesk"}, None),
        ("rest openapi", "GET", "/rest/v1/", service, None),
        ("storage buckets", "GET", "/storage/v1/bucket", service, None),
        ("storage render", "GET", "/storage/v1/render/image/authenticated/bench/{n}.png?width=1", service, None),
        ("realtime broadcast", "POST", "/realtime/v1/api/broadcast", service,
         {"messages": [{"topic": "bench", "event": "e", "payload": {}}]}),
        ("meta tables", "GET", "/pg/tables?included_schemas=public", service, None),
        ("meta typescript types", "GET", "/pg/generators/typescript?included_schemas=public", service, None),
        ("studio", "GET", "/studio/", {}, None),
        ("web app", "GET", "/", {}, None),
    ]
    times: dict[str, tuple[float, float]] = {}
    with httpx.Client(base_url=f"http://127.0.0.1:{env['ORICOL_PORT']}", timeout=30) as client:
        for name, method, path, headers, body in requests:
            taken = []
            for n in (1, 2):
                if name.startswith("storage render"):  # an object to render, uploaded untimed
                    if n == 1:
                        client.post("/storage/v1/bucket", headers=service, json={"id": "bench", "name": "bench"})
                    client.post(f"/storage/v1/object/bench/{n}.png", headers={**service, "content-type": "image/png"},
                                content=png())
                if name.startswith("auth sign-up"):
                    body = {**body, "email": f"bench-{time.time_ns()}@example.com"}  # type: ignore[dict-item]
                started = time.perf_counter()
                response = client.request(method, path.format(n=n), headers=headers,
                                          **({"json": body} if body is not None else {}))
                taken.append((time.perf_counter() - started) * 1000)
                if response.status_code >= 400:
                    raise RuntimeError(f"{name}: {response.status_code} {response.text[:200]}")
            times[name] = (taken[0], taken[1])
    return times


def bare_postgres(rounds: int) -> tuple[float, float, float]:
    colds, warms, pss_values = [], [], []
    for _ in range(rounds):
        root = project_dir()
        try:
            cluster = Cluster(pg_dir=root / "pg", socket_dir=root / "run", port=free_port())
            t0 = time.perf_counter()
            cluster.init("bench-password-123")
            cluster.start()
            colds.append(time.perf_counter() - t0)
            time.sleep(1)
            pg = psutil.Process(cluster.postmaster_pid())
            pss_values.append(sum(getattr(p.memory_full_info(), "pss", 0) for p in [pg] + pg.children()) / 2**20)
            cluster.stop()
            t0 = time.perf_counter()
            cluster.start()
            warms.append(time.perf_counter() - t0)
            cluster.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)
    return statistics.median(colds), statistics.median(warms), statistics.median(pss_values)


def oricol_rounds(rounds: int) -> tuple[float, float, list[dict], list[dict]]:
    colds, warms, tables, firsts = [], [], [], []
    for _ in range(rounds):
        root = project_dir()
        env = env_for(root)
        try:
            subprocess.run([sys.executable, "-m", "oricol", "init"], cwd=root, env=env, check=True,
                           capture_output=True)
            cold, process = start_to_healthy(root, env)
            colds.append(cold)
            time.sleep(IDLE_SECONDS)
            tables.append(memory_table(stack_processes(process, root / "data" / "postgres")))
            stop(process)
            warm, process = start_to_healthy(root, env)
            warms.append(warm)
            firsts.append(first_requests(root, env))
            stop(process)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    return statistics.median(colds), statistics.median(warms), tables, firsts


def median_table(tables: list[dict[str, list[float]]]) -> dict[str, list[float]]:
    """The round whose PSS total is the median, whole (so its rows add up)."""
    ordered = sorted(tables, key=lambda table: sum(row[2] for row in table.values()))
    return ordered[len(ordered) // 2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    pg_cold, pg_warm, pg_pss = bare_postgres(rounds)
    cold, warm, tables, firsts = oricol_rounds(rounds)
    table = median_table(tables)
    rss, pss = (sum(row[i] for row in table.values()) for i in (1, 2))
    print_memory_table(table)
    print()
    print(f"{'first request after a warm start':34}{'first ms':>10}{'second ms':>10}")
    for name in firsts[0]:
        first = statistics.median(times[name][0] for times in firsts)
        second = statistics.median(times[name][1] for times in firsts)
        print(f"{name:34}{first:10.1f}{second:10.1f}")
    print()
    print(f"{'':28}{'oricol':>10}{'bare PG':>10}{'ratio':>8}{'goal':>10}")
    print(f"{'cold start to healthy (s)':28}{cold:10.2f}{pg_cold:10.2f}{cold / pg_cold:8.2f}{'<= 15':>10}")
    print(f"{'warm start to healthy (s)':28}{warm:10.2f}{pg_warm:10.2f}{warm / pg_warm:8.2f}{'<= 3':>10}")
    print(f"{'idle PSS, whole stack (MB)':28}{pss:10.1f}{pg_pss:10.1f}{pss / pg_pss:8.2f}{'':>10}")
    print(f"{'idle RSS sum (MB)':28}{rss:10.1f}{'':>10}{'':>8}{'<= 200':>10}")
    print(f"(median of {rounds} rounds, the memory table is the median round's; RSS sums count PostgreSQL's shared"
          " memory once per process, PSS shares it, USS is each process's own)")

if __name__ == "__main__":
    main()
