"""Auth benchmark: password sign-ins against raw bcrypt, refresh grants, and /health latency under load.

One run starts a real `oricol start` (auth only, autoconfirm on, rate limits off) and measures, on the
same cores:
  - raw bcrypt cost-10 verifications/s with one thread per core (the ceiling for password sign-ins);
  - password sign-ins/s through the gateway (goal: >= 0.9 of the raw bcrypt rate);
  - refresh-token grants/s (each worker rotates its own session's token);
  - p99 latency of GET /auth/v1/health while sign-ins saturate the CPU (goal: < 50 ms).

    python bench/auth.py [--seconds 8] [--concurrency 16] [--rounds 4]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import bcrypt
import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.startup import env_for, project_dir, start_to_healthy, stop  # noqa: E402


def raw_bcrypt_rate(seconds: float) -> float:
    """Verifications/s of a cost-10 hash with one thread per core (bcrypt releases the GIL)."""
    hashed = bcrypt.hashpw(b"bench-password", bcrypt.gensalt(10, prefix=b"2a"))
    counts = []
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        done = 0
        while time.perf_counter() < deadline:
            bcrypt.checkpw(b"bench-password", hashed)
            done += 1
        counts.append(done)
    threads = [threading.Thread(target=worker) for _ in range(os.cpu_count() or 2)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


async def storm(client: httpx.AsyncClient, email: str, seconds: float, concurrency: int,
                stop_event: asyncio.Event | None = None) -> float:
    """Password sign-ins/s with `concurrency` requests in flight."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < deadline and not (stop_event and stop_event.is_set()):
            response = await client.post("/auth/v1/token?grant_type=password",
                                         json={"email": email, "password": "bench-password"})
            assert response.status_code == 200, response.text
            done += 1
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done / (time.perf_counter() - started)


async def refresh_rate(client: httpx.AsyncClient, email: str, seconds: float, workers: int) -> float:
    sessions = []
    for _ in range(workers):
        response = await client.post("/auth/v1/token?grant_type=password",
                                     json={"email": email, "password": "bench-password"})
        sessions.append(response.json()["refresh_token"])
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker(index: int) -> None:
        nonlocal done
        token = sessions[index]
        while time.perf_counter() < deadline:
            response = await client.post("/auth/v1/token?grant_type=refresh_token", json={"refresh_token": token})
            assert response.status_code == 200, response.text
            token = response.json()["refresh_token"]
            done += 1
    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(workers)))
    return done / (time.perf_counter() - started)


async def health_latencies(client: httpx.AsyncClient, until: asyncio.Event) -> list[float]:
    latencies = []
    while not until.is_set():
        started = time.perf_counter()
        response = await client.get("/auth/v1/health")
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        await asyncio.sleep(0.01)
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


async def measure(url: str, anon_key: str, seconds: float, concurrency: int, rounds: int) -> dict[str, float]:
    limits = httpx.Limits(max_connections=concurrency + 8)
    async with httpx.AsyncClient(base_url=url, headers={"apikey": anon_key}, limits=limits, timeout=60) as client:
        email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
        signup = await client.post("/auth/v1/signup", json={"email": email, "password": "bench-password"})
        assert signup.status_code == 200, signup.text
        await storm(client, email, 1.0, concurrency)  # warm up
        idle = await health_latencies_for(client, 2.0)
        # The machine is shared: alternate baseline and sign-in phases so both see the same noise.
        baselines, sign_in_rates = [], []
        for _ in range(rounds):
            baselines.append(await asyncio.to_thread(raw_bcrypt_rate, seconds / rounds))
            sign_in_rates.append(await storm(client, email, seconds / rounds, concurrency))
        ratios = [rate / base for rate, base in zip(sign_in_rates, baselines)]
        refreshes = await refresh_rate(client, email, seconds, concurrency)
        until = asyncio.Event()
        probe = asyncio.create_task(health_latencies(client, until))
        loaded_rate = await storm(client, email, seconds, concurrency)
        until.set()
        loaded = await probe
    return {"sign_ins": statistics.median(sign_in_rates), "baseline": statistics.median(baselines),
            "ratio": statistics.median(ratios), "refreshes": refreshes, "loaded_rate": loaded_rate,
            "health_p50": statistics.median(loaded), "health_p99": percentile(loaded, 0.99),
            "idle_p99": percentile(idle, 0.99), "probes": len(loaded)}


async def health_latencies_for(client: httpx.AsyncClient, seconds: float) -> list[float]:
    until = asyncio.Event()
    task = asyncio.create_task(health_latencies(client, until))
    await asyncio.sleep(seconds)
    until.set()
    return await task


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    root = project_dir()
    env = {**env_for(root), "ORICOL_SERVICES": "auth", "ORICOL_AUTH_AUTOCONFIRM": "true",
           "ORICOL_AUTH_RATE_LIMITS": "false"}
    process = None
    try:
        subprocess.run([sys.executable, "-m", "oricol", "init"], cwd=root, env=env, check=True, capture_output=True)
        _, process = start_to_healthy(root, env)
        anon_key = next(line.split("=", 1)[1] for line in (root / ".env").read_text().splitlines()
                        if line.startswith("ORICOL_ANON_KEY="))
        url = f"http://127.0.0.1:{env['ORICOL_PORT']}"
        result = asyncio.run(measure(url, anon_key, args.seconds, args.concurrency, args.rounds))
    finally:
        if process is not None:
            stop(process)
        shutil.rmtree(root, ignore_errors=True)
    print(f"cores: {os.cpu_count()}, concurrency: {args.concurrency}, {args.seconds:.0f} s per phase")
    print(f"{'raw bcrypt cost-10 verifications/s':44}{result['baseline']:10.1f}   (one thread per core)")
    print(f"{'password sign-ins/s':44}{result['sign_ins']:10.1f}   ratio {result['ratio']:.2f}"
          f"  (median of {args.rounds} alternating rounds; goal >= 0.9)")
    print(f"{'refresh grants/s':44}{result['refreshes']:10.1f}   ({result['refreshes'] / result['baseline']:.1f}x "
          "the bcrypt rate)")
    print(f"{'GET /auth/v1/health p99 idle (ms)':44}{result['idle_p99']:10.1f}")
    print(f"{'GET /auth/v1/health p50 / p99 in storm (ms)':44}{result['health_p50']:10.1f} / "
          f"{result['health_p99']:.1f}  (goal p99 < 50; {result['probes']} probes, "
          f"{result['loaded_rate']:.1f} sign-ins/s meanwhile)")


if __name__ == "__main__":
    main()
