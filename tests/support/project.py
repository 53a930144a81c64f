"""A real Oricol project folder driven through the `oricol` command, on an embedded cluster with free ports.

Used by the system tests of several areas (foundation, backup): `project_in_tmp()` gives one and
cleans it up, the `Project` methods run the CLI and a foreground `oricol start`.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx

from .pg import free_ports

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "foundation" / "fixtures" / "supabase_migrations"


class Project:
    """A project folder with its own .env, data dir and ports, driven through the CLI."""

    def __init__(self, root: Path, migrations: Path | None = FIXTURES):
        self.root = root
        self.port, self.db_port, smtp_port, mail_http_port = free_ports(4)
        self.env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "ORICOL_PORT": str(self.port),
            "ORICOL_DB_PORT": str(self.db_port),
            "ORICOL_MAIL_SMTP_PORT": str(smtp_port),
            "ORICOL_MAIL_HTTP_PORT": str(mail_http_port),
            "ORICOL_DATA_DIR": str(root / "data"),
            "ORICOL_MIGRATIONS_DIR": str(migrations or root / "none"),
        }
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "oricol", *args], cwd=self.root, env=self.env,
                                capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"oricol {' '.join(args)} failed: {result.stdout}\n{result.stderr}")
        return result

    def keys(self) -> dict:
        return json.loads(self.cli("keys", "--json").stdout)

    def start(self, timeout: float = 60, args: tuple[str, ...] = ()) -> None:
        self.log = open(self.root / "server.log", "ab")
        # Its own process group, so clean-up can stop the image workers and multiprocessing helpers too.
        self.process = subprocess.Popen([sys.executable, "-m", "oricol", "start", *args], cwd=self.root,
                                        env=self.env, stdout=self.log, stderr=self.log, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited {self.process.returncode}: {self.server_log()}")
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError("not healthy in time: " + self.server_log())

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        code = self.process.wait(60)
        self.process = None
        return code

    def kill_all(self) -> None:
        """SIGKILL to the server and every process it started (a SIGKILLed parent leaves its children)."""
        assert self.process is not None
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:  # not a group leader (started by a test itself): the server alone
            self.process.kill()
        self.process.wait(60)
        self.process = None

    def server_log(self) -> str:
        return (self.root / "server.log").read_text(errors="replace")[-4000:]

    def postmaster_pid(self) -> int | None:
        pid_file = self.root / "data" / "postgres" / "postmaster.pid"
        return int(pid_file.read_text().split()[0]) if pid_file.exists() else None


def alive(pid: int) -> bool:
    """Running and not a zombie (an exited process whose parent has not reaped it yet)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def gone(pid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


@contextmanager
def project_in_tmp(migrations: Path | None = FIXTURES) -> Iterator[Project]:
    # Not under pytest's 0700 tmp folder: PostgreSQL runs as the `postgres` user when we are root.
    root = Path(tempfile.mkdtemp(prefix="oricol-sys-"))
    os.chmod(root, 0o755)
    project = Project(root, migrations)
    try:
        yield project
    finally:
        if project.process is not None:
            project.kill_all()
        pid = project.postmaster_pid()
        if pid and alive(pid):
            os.kill(pid, signal.SIGQUIT)
        shutil.rmtree(root, ignore_errors=True)
