"""The real `oricol` command as a user runs it: init, start on an embedded cluster, stop, restart."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import asyncpg
import httpx
import pytest

from oricol import jwt
from oricol.config.env import read_env_file
from tests.support.pg import free_port
from tests.support.project import alive, gone, project_in_tmp

pytestmark = pytest.mark.system


@pytest.fixture
def project():
    with project_in_tmp() as project:
        yield project


def test_init_writes_fresh_secrets_and_refuses_to_overwrite(project):
    result = project.cli("init")
    assert "wrote" in result.stdout
    env = read_env_file(project.root / ".env")
    assert oct((project.root / ".env").stat().st_mode)[-3:] == "600"
    assert len(env["ORICOL_JWT_SECRET"]) >= 43
    for name, role in (("ORICOL_ANON_KEY", "anon"), ("ORICOL_SERVICE_ROLE_KEY", "service_role")):
        claims = jwt.decode_hs256(env[name], env["ORICOL_JWT_SECRET"])
        assert claims["role"] == role and claims["iss"] and claims["exp"] > time.time() + 5 * 365 * 86400
    again = project.cli("init", check=False)
    assert again.returncode != 0 and "--force" in again.stderr
    assert read_env_file(project.root / ".env") == env
    project.cli("init", "--force")
    assert read_env_file(project.root / ".env")["ORICOL_JWT_SECRET"] != env["ORICOL_JWT_SECRET"]


def test_demo_secrets_and_bad_values_stop_the_start_naming_the_variable(project):
    project.cli("init")
    demo = "super-secret-jwt-token-with-at-least-32-characters-long"
    bad = {**project.env, "ORICOL_JWT_SECRET": demo}
    result = subprocess.run([sys.executable, "-m", "oricol", "start"], cwd=project.root, env=bad,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "ORICOL_JWT_SECRET" in result.stderr and "demo" in result.stderr
    demo_key = jwt.make_api_key(demo, "anon")
    bad = {**project.env, "ORICOL_ANON_KEY": demo_key}
    result = subprocess.run([sys.executable, "-m", "oricol", "start"], cwd=project.root, env=bad,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "ORICOL_ANON_KEY" in result.stderr
    bad = {**project.env, "ORICOL_PORT": "eighty"}
    result = subprocess.run([sys.executable, "-m", "oricol", "start"], cwd=project.root, env=bad,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "ORICOL_PORT" in result.stderr and "whole number" in result.stderr
    assert not (project.root / "data" / "postgres").exists()


def test_start_serves_applies_migrations_stops_cleanly_and_keeps_data(project):
    project.cli("init")
    metrics_port = free_port()
    project.env["ORICOL_METRICS_PORT"] = str(metrics_port)
    project.start()
    keys = project.keys()
    assert keys["api_url"] == project.url
    assert {"api_url", "db_url", "jwt_secret", "anon_key", "service_role_key", "studio_url", "mail_url"} <= set(keys)

    health = httpx.get(project.url + "/health").json()
    assert health["status"] == "healthy" and health["parts"]["database"] == "up"
    assert httpx.get(project.url + "/rest/v1/tickets").status_code == 401
    assert httpx.get(project.url + "/rest/v1/tickets", headers={"apikey": "nope"}).json() == {"message": "Invalid API key"}
    assert httpx.get(project.url + "/rest/v1/tickets", headers={"apikey": keys["anon_key"]}).status_code != 401
    preflight = httpx.options(project.url + "/rest/v1/tickets", headers={
        "origin": "http://localhost:8080", "access-control-request-method": "POST",
        "access-control-request-headers": "apikey, authorization, x-client-info, content-type, prefer"})
    assert preflight.status_code == 200 and "prefer" in preflight.headers["access-control-allow-headers"]
    status = project.cli("status")
    assert "healthy" in status.stdout and "database" in status.stdout
    # What keys and status say about Studio is true: its URL answers the console and its API wants a login.
    assert "studio     up" in status.stdout and f"{project.url}/studio/" in status.stdout
    console = httpx.get(keys["studio_url"])
    assert console.status_code == 200 and console.headers["content-type"].startswith("text/html")
    assert httpx.get(project.url + "/studio/api/session").status_code == 401
    assert httpx.post(project.url + "/studio/api/login", json={"username": keys["studio_username"],
                                                              "password": keys["studio_password"]}).status_code == 200
    metrics = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics")
    assert metrics.status_code == 200 and 'oricol_http_requests_total{service="rest"' in metrics.text
    assert httpx.get(project.url + "/metrics", headers={"apikey": keys["anon_key"]}).status_code == 403
    psql = project.cli("psql", "-tAc", "select count(*) from public.profiles")
    assert psql.stdout.strip() == "1"
    logged = project.cli("logs", "path=/health", "-n", "50").stdout.splitlines()
    assert logged and all(json.loads(line)["path"] == "/health" for line in logged)
    assert keys["anon_key"] not in (project.root / "data" / "logs" / "oricol.jsonl").read_text()

    async def check_and_write() -> int:
        conn = await asyncpg.connect(keys["db_url"])
        try:
            assert await conn.fetchval("select count(*) from auth.users where email = 'admin@oricol.test'") == 1
            assert await conn.fetchval("select count(*) from oricol.schema_migrations where source = 'app'") == 4
            assert await conn.fetchval("show wal_level") == "logical"
            assert await conn.fetchval("show max_slot_wal_keep_size") == "4GB"  # an unread slot cannot fill the disk
            await conn.execute("insert into public.tickets (title) values ('survives restarts')")
            return await conn.fetchval("select count(*) from public.tickets")
        finally:
            await conn.close()

    import asyncio
    assert asyncio.run(check_and_write()) == 1

    postmaster = project.postmaster_pid()
    assert postmaster and alive(postmaster)
    assert project.stop() == 0
    assert gone(postmaster), "PostgreSQL was left running"
    assert project.cli("status", check=False).returncode != 0

    project.start()

    async def count() -> int:
        conn = await asyncpg.connect(keys["db_url"])
        try:
            return await conn.fetchval("select count(*) from public.tickets where title = 'survives restarts'")
        finally:
            await conn.close()
    assert asyncio.run(count()) == 1
    assert project.stop(signal.SIGINT) in (0, 130)
    assert project.postmaster_pid() is None


def test_a_crash_of_the_server_or_the_machine_is_recovered(project):
    project.cli("init")
    project.start()
    # The server dies hard; PostgreSQL is orphaned but healthy. The next start takes it over.
    postmaster = project.postmaster_pid()
    project.process.kill()
    project.process.wait()
    project.process = None
    assert alive(postmaster)
    project.start()
    assert httpx.get(project.url + "/health").json()["parts"]["database"] == "up"
    assert project.stop() == 0
    assert gone(postmaster)

    # Power loss: postmaster.pid (and the socket lock) survive, naming a process that no longer exists.
    pid_file = project.root / "data" / "postgres" / "postmaster.pid"
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = pid_file.parent / "postmaster.pid.stale"
    pid_file.write_text(f"{dead.pid}\n{pid_file.parent}\n0\n{project.db_port}\n")
    project.start()
    assert httpx.get(project.url + "/health").json()["parts"]["database"] == "up"
    assert project.stop() == 0
    assert not stale.exists() and not pid_file.exists()


def test_detach_stop_and_a_failing_migration(project):
    project.cli("init")
    started = project.cli("start", "--detach", "--wait", "90")
    assert "started" in started.stdout
    assert httpx.get(project.url + "/health").status_code == 200
    postmaster = project.postmaster_pid()
    assert "stopped" in project.cli("stop").stdout
    assert gone(postmaster)
    assert project.cli("status", check=False).returncode != 0

    broken = project.root / "broken"
    broken.mkdir()
    (broken / "20250101000000_ok.sql").write_text("create table public.fine (id int);\n")
    (broken / "20250102000000_bad.sql").write_text("create table public.half (id int);\nselect nope from nowhere;\n")
    project.env["ORICOL_MIGRATIONS_DIR"] = str(broken)
    result = subprocess.run([sys.executable, "-m", "oricol", "start"], cwd=project.root, env=project.env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "20250102000000_bad.sql:2" in result.stderr and "nowhere" in result.stderr
    assert project.postmaster_pid() is None, "a failed start must not leave PostgreSQL running"

    (broken / "20250102000000_bad.sql").write_text("create table public.half (id int);\n")
    migrated = project.cli("migrate")
    assert "20250102000000_bad.sql" in migrated.stdout
    assert "nothing to apply" in project.cli("migrate").stdout


def test_config_masks_secrets(project):
    project.cli("init")
    env = read_env_file(project.root / ".env")
    shown = project.cli("config").stdout
    for name in ("ORICOL_JWT_SECRET", "ORICOL_SERVICE_ROLE_KEY", "ORICOL_POSTGRES_PASSWORD", "ORICOL_DASHBOARD_PASSWORD"):
        assert env[name] not in shown
    data = json.loads(shown)
    assert data["core"]["port"] == project.port and data["core"]["jwt_secret"].endswith("…")
