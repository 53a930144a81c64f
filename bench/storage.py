"""Storage benchmark: 1 KB uploads/s and downloads/s, MB/s for large objects, and an 800-px WebP transform.

Runs the real `oricol start` (storage service only, local disk backend) and measures, interleaved
round by round, each figure against a baseline taken in the same run on the same machine:
  - small and large object throughput against a plain file copy on the same disk;
  - the transform of a 4000x3000 JPEG against Pillow called directly (open, resize, save WebP).
Also reports the server's RSS growth while it moves the large objects (memory must stay flat).

    python bench/storage.py [--rounds 3] [--small 400] [--concurrency 16] [--large-mb 100]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from startup import env_for, project_dir, start_to_healthy, stop  # noqa: E402

from oricol.initenv import generate  # noqa: E402


def write_env(root: Path) -> dict[str, str]:
    secrets = generate()
    lines = [f"ORICOL_JWT_SECRET={secrets['jwt_secret']}", f"ORICOL_ANON_KEY={secrets['anon_key']}",
             f"ORICOL_SERVICE_ROLE_KEY={secrets['service_role_key']}",
             f"ORICOL_POSTGRES_PASSWORD={secrets['postgres_password']}",
             f"ORICOL_DASHBOARD_PASSWORD={secrets['dashboard_password']}", "ORICOL_SERVICES=storage",
             "ORICOL_STORAGE_FILE_SIZE_LIMIT=2147483648"]
    (root / ".env").write_text("\n".join(lines) + "\n")
    return secrets


class Server:
    def __init__(self, url: str, key: str):
        self.url = url.rstrip("/") + "/storage/v1"
        self.headers = {"apikey": key, "authorization": f"Bearer {key}"}


async def timed_ops(count: int, concurrency: int, op) -> float:
    """Operations per second for `count` calls of `op(i)` with `concurrency` in flight."""
    queue = iter(range(count))

    async def worker() -> None:
        for index in queue:
            await op(index)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / (time.perf_counter() - started)


async def small_objects(server: Server, bucket: str, count: int, concurrency: int) -> tuple[float, float]:
    """1 KB uploads/s and downloads/s. aiohttp drives them: httpx costs more CPU per request than the
    server does, and on a small machine the client would be what is measured."""
    import aiohttp
    payload = os.urandom(1024)
    tag = uuid.uuid4().hex[:8]
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(headers=server.headers, connector=connector) as client:
        async def upload(i: int) -> None:
            async with client.post(f"{server.url}/object/{bucket}/small/{tag}/{i}.bin", data=payload,
                                   headers={"content-type": "application/octet-stream"}) as r:
                assert r.status == 200, await r.text()

        async def download(i: int) -> None:
            async with client.get(f"{server.url}/object/{bucket}/small/{tag}/{i}.bin") as r:
                assert r.status == 200 and len(await r.read()) == 1024

        return await timed_ops(count, concurrency, upload), await timed_ops(count, concurrency, download)


def baseline_small(folder: Path, count: int) -> tuple[float, float]:
    """Plain file copies of a 1 KB file (writes), and plain reads of them, per second."""
    source = folder / "src.bin"
    source.write_bytes(os.urandom(1024))
    target = folder / f"small-{uuid.uuid4().hex[:8]}"
    target.mkdir()
    started = time.perf_counter()
    for i in range(count):
        shutil.copyfile(source, target / f"{i}.bin")
    writes = count / (time.perf_counter() - started)
    started = time.perf_counter()
    for i in range(count):
        (target / f"{i}.bin").read_bytes()
    reads = count / (time.perf_counter() - started)
    shutil.rmtree(target)
    return writes, reads


class PeakRss:
    def __init__(self, pid: int):
        self.process = psutil.Process(pid)
        self.start = self.process.memory_info().rss
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.02)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / 1e6


def large_objects(server: Server, bucket: str, source: Path, pid: int) -> tuple[float, float, float]:
    size = source.stat().st_size
    name = f"large/{uuid.uuid4().hex[:8]}.bin"
    with httpx.Client(headers=server.headers, timeout=600) as client, PeakRss(pid) as rss:
        with open(source, "rb") as handle:
            started = time.perf_counter()
            r = client.post(f"{server.url}/object/{bucket}/{name}", content=handle,
                            headers={"content-type": "application/octet-stream", "content-length": str(size)})
            up = size / 1e6 / (time.perf_counter() - started)
        assert r.status_code == 200, r.text
        started = time.perf_counter()
        received = 0
        with client.stream("GET", f"{server.url}/object/{bucket}/{name}") as response:
            for chunk in response.iter_raw(1024 * 1024):
                received += len(chunk)
        down = size / 1e6 / (time.perf_counter() - started)
        assert received == size
    client = httpx.Client(headers=server.headers)
    client.request("DELETE", f"{server.url}/object/{bucket}", json={"prefixes": [name]})
    return up, down, rss.growth_mb


def baseline_large(source: Path, folder: Path) -> tuple[float, float]:
    """A plain copy of the file on the same disk (MB/s written), and a plain read of the copy."""
    size = source.stat().st_size
    target = folder / f"copy-{uuid.uuid4().hex[:8]}.bin"
    started = time.perf_counter()
    shutil.copyfile(source, target)
    os.sync()
    write = size / 1e6 / (time.perf_counter() - started)
    started = time.perf_counter()
    with open(target, "rb") as handle:
        while handle.read(1024 * 1024):
            pass
    read = size / 1e6 / (time.perf_counter() - started)
    target.unlink()
    return write, read


def make_photo(path: Path) -> None:
    from PIL import Image
    base = Image.radial_gradient("L").resize((4000, 3000))
    noise = Image.effect_noise((4000, 3000), 40)
    photo = Image.merge("RGB", (base, noise, Image.linear_gradient("L").resize((4000, 3000))))
    photo.save(path, "JPEG", quality=88)


def baseline_transform(path: Path, out_dir: Path) -> float:
    """Seconds for Pillow called directly: open, resize to 800 px wide, save WebP (quality 80)."""
    from PIL import Image
    started = time.perf_counter()
    with Image.open(path) as image:
        resized = image.resize((800, round(image.height * 800 / image.width)), Image.Resampling.LANCZOS)
        resized.save(out_dir / "direct.webp", "WEBP", quality=80)
    return time.perf_counter() - started


def server_transform(server: Server, bucket: str, name: str, quality: int) -> tuple[float, float]:
    """Seconds for the first (rendered) and a repeated (cached) 800-px WebP of the object."""
    url = f"{server.url}/render/image/authenticated/{bucket}/{name}?width=800&format=webp&quality={quality}"
    with httpx.Client(headers=server.headers, timeout=120) as client:
        started = time.perf_counter()
        first = client.get(url)
        fresh = time.perf_counter() - started
        assert first.status_code == 200 and first.headers["content-type"] == "image/webp", first.text
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        cached = time.perf_counter() - started
    return fresh, cached


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--small", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--large-mb", type=int, default=100)
    args = parser.parse_args()

    root = project_dir()
    work = Path(tempfile.mkdtemp(prefix="bench-files-", dir=root))
    secrets = write_env(root)
    env = env_for(root)
    _, process = start_to_healthy(root, env)
    try:
        server = Server(f"http://127.0.0.1:{env['ORICOL_PORT']}", secrets["service_role_key"])
        bucket = f"bench-{uuid.uuid4().hex[:6]}"
        httpx.post(f"{server.url}/bucket", headers=server.headers, json={"id": bucket}).raise_for_status()
        large = work / "large.bin"
        with open(large, "wb") as handle:
            for _ in range(args.large_mb):
                handle.write(os.urandom(1024 * 1024))
        photo = work / "photo.jpg"
        make_photo(photo)
        with open(photo, "rb") as handle:
            httpx.post(f"{server.url}/object/{bucket}/photo.jpg", headers={**server.headers,
                       "content-type": "image/jpeg"}, content=handle.read()).raise_for_status()
        results: dict[str, list[float]] = {}

        def add(name: str, value: float) -> None:
            results.setdefault(name, []).append(value)

        for round_number in range(args.rounds):
            b_up, b_down = baseline_small(work, args.small)
            up, down = asyncio.run(small_objects(server, bucket, args.small, args.concurrency))
            add("small_up", up), add("small_down", down), add("base_small_up", b_up), add("base_small_down", b_down)
            b_write, b_read = baseline_large(large, work)
            l_up, l_down, growth = large_objects(server, bucket, large, process.pid)
            add("large_up", l_up), add("large_down", l_down), add("base_large_write", b_write)
            add("base_large_read", b_read), add("rss_growth", growth)
            add("base_transform", baseline_transform(photo, work))
            fresh, cached = server_transform(server, bucket, "photo.jpg", 70 + round_number)
            add("transform", fresh), add("transform_cached", cached)
            print(f"round {round_number + 1}/{args.rounds} done", file=sys.stderr)
    finally:
        stop(process)
        shutil.rmtree(root, ignore_errors=True)

    med = {name: statistics.median(values) for name, values in results.items()}
    print(f"storage benchmark (medians of {args.rounds} interleaved rounds; local disk backend)")
    print(f"  1 KB uploads/s    {med['small_up']:9.0f}   plain 1 KB file copies/s {med['base_small_up']:9.0f}"
          f"   ratio {med['small_up'] / med['base_small_up']:.3f}")
    print(f"  1 KB downloads/s  {med['small_down']:9.0f}   plain 1 KB file reads/s  {med['base_small_down']:9.0f}"
          f"   ratio {med['small_down'] / med['base_small_down']:.3f}")
    print(f"  {args.large_mb} MB upload MB/s   {med['large_up']:7.1f}   plain file copy MB/s {med['base_large_write']:7.1f}"
          f"   ratio {med['large_up'] / med['base_large_write']:.2f}")
    print(f"  {args.large_mb} MB download MB/s {med['large_down']:7.1f}   plain file copy MB/s {med['base_large_write']:7.1f}"
          f"   ratio {med['large_down'] / med['base_large_write']:.2f}   (plain read from page cache "
          f"{med['base_large_read']:.0f} MB/s)")
    print(f"  server RSS growth while moving {args.large_mb} MB objects: {med['rss_growth']:.1f} MB (max "
          f"{max(results['rss_growth']):.1f})")
    print(f"  800-px WebP of a 4000x3000 JPEG: {med['transform'] * 1000:.0f} ms through the server, "
          f"{med['base_transform'] * 1000:.0f} ms Pillow directly, ratio (direct/server) "
          f"{med['base_transform'] / med['transform']:.2f}; cached variant {med['transform_cached'] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
