"""Running supabase-js (the official JavaScript client) under node from Python tests.

A test writes a small ES module; it runs inside tests/js so the pinned packages resolve, reads
ORICOL_URL / ANON_KEY / SERVICE_ROLE_KEY from the environment, and prints one JSON line last,
which is returned.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from .locks import exclusive

JS_DIR = Path(__file__).resolve().parent.parent / "js"

PRELUDE = """
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
const URL_ = process.env.ORICOL_URL;
const ANON_KEY = process.env.ANON_KEY;
const SERVICE_ROLE_KEY = process.env.SERVICE_ROLE_KEY;
const options = { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket } };
const anon = () => createClient(URL_, ANON_KEY, options);
const service = () => createClient(URL_, SERVICE_ROLE_KEY, options);
const out = (value) => console.log(JSON.stringify(value));
"""


def ensure_installed() -> None:
    # Every pinned package must be there (a checkout installed before one was added lacks it).
    wanted = ("@supabase/supabase-js", "typescript")
    if all((JS_DIR / "node_modules" / name).is_dir() for name in wanted):
        return
    with exclusive(JS_DIR):  # parallel workers: one installs, the others wait and find it done
        if not all((JS_DIR / "node_modules" / name).is_dir() for name in wanted):
            npm = shutil.which("npm")
            if npm is None:
                raise RuntimeError("npm is needed for the supabase-js tests")
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, check=True)


def run_node(body: str, live: Any, *, timeout: float = 60, env: dict[str, str] | None = None) -> Any:
    """Runs PRELUDE + body as an ES module against the live server; returns the last JSON line."""
    ensure_installed()
    source = PRELUDE + "\n" + body
    with tempfile.NamedTemporaryFile("w", suffix=".mjs", dir=JS_DIR, delete=False) as handle:
        handle.write(source)
        path = handle.name
    try:
        result = subprocess.run(
            ["node", path], cwd=JS_DIR, capture_output=True, text=True, timeout=timeout,
            env={**os.environ, "ORICOL_URL": live.url, "ANON_KEY": live.anon_key,
                 "SERVICE_ROLE_KEY": live.service_role_key, **(env or {})})
    finally:
        os.unlink(path)
    if result.returncode != 0:
        raise AssertionError(f"node failed ({result.returncode}):\n{result.stderr}\n{result.stdout}")
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    if not lines:
        raise AssertionError(f"node printed nothing:\n{result.stderr}")
    return json.loads(lines[-1])
