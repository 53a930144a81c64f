"""A throwaway Redis server for tests that need one (shared rate limits, realtime fan-out)."""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time

from .pg import free_port


def start_redis(port: int | None = None) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is needed for this test (apt-get install redis-server)")
    port = port or free_port()
    workdir = tempfile.mkdtemp(prefix="oricol-redis-")
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", workdir], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")
