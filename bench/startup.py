"""Start-up benchmark: cold start (initdb included) and warm start to a green /health, and idle memory.

Baselines measured in the same run: the bare PostgreSQL steps (initdb + pg_ctl start, and pg_ctl start)
on the same machine, so the ratios say what Oricol adds. Goals: warm <= 3 s, cold <= 15 s, idle RSS of the
whole stack (server + PostgreSQL) <= 250 MB.

    python bench/startup.py [--rounds 3]
"""
from __future__ import annotations

import argparse
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


def stack_memory(process: subprocess.Popen, pg_dir: Path) -> tuple[float, float]:
    """(RSS sum, PSS sum) in MB over the server, its children and every PostgreSQL process of the cluster."""
    procs = [psutil.Process(process.pid)] + psutil.Process(process.pid).children(recursive=True)
    postmaster = int((pg_dir / "postmaster.pid").read_text().split()[0])
    pg = psutil.Process(postmaster)
    procs += [pg] + pg.children(recursive=True)
    rss = pss = 0
    for proc in {p.pid: p for p in procs}.values():
        info = proc.memory_full_info()
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss / 2**20, pss / 2**20


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


def oricol_rounds(rounds: int) -> tuple[float, float, float, float]:
    colds, warms, rsses, psses = [], [], [], []
    for _ in range(rounds):
        root = project_dir()
        env = env_for(root)
        try:
            subprocess.run([sys.executable, "-m", "oricol", "init"], cwd=root, env=env, check=True,
                           capture_output=True)
            cold, process = start_to_healthy(root, env)
            colds.append(cold)
            time.sleep(3)  # idle
            rss, pss = stack_memory(process, root / "data" / "postgres")
            rsses.append(rss)
            psses.append(pss)
            stop(process)
            warm, process = start_to_healthy(root, env)
            warms.append(warm)
            stop(process)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    return statistics.median(colds), statistics.median(warms), statistics.median(rsses), statistics.median(psses)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    pg_cold, pg_warm, pg_pss = bare_postgres(rounds)
    cold, warm, rss, pss = oricol_rounds(rounds)
    print(f"{'':28}{'oricol':>10}{'bare PG':>10}{'ratio':>8}{'goal':>10}")
    print(f"{'cold start to healthy (s)':28}{cold:10.2f}{pg_cold:10.2f}{cold / pg_cold:8.2f}{'<= 15':>10}")
    print(f"{'warm start to healthy (s)':28}{warm:10.2f}{pg_warm:10.2f}{warm / pg_warm:8.2f}{'<= 3':>10}")
    print(f"{'idle PSS, whole stack (MB)':28}{pss:10.1f}{pg_pss:10.1f}{pss / pg_pss:8.2f}{'':>10}")
    print(f"{'idle RSS sum (MB)':28}{rss:10.1f}{'':>10}{'':>8}{'<= 250':>10}")
    print(f"(median of {rounds} rounds; RSS sums count PostgreSQL's shared memory once per process, PSS shares it)")


if __name__ == "__main__":
    main()
