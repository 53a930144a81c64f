"""`oricol users add/list/role` and `oricol demo` through the real command, against this test's
database; the users they make sign in through /auth/v1 like anyone else."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.support.stack import environ_for

REPO = Path(__file__).resolve().parents[2]


def oricol(db_url, pg_server, tmp_path, *args, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **environ_for(db_url, pg_server.password, tmp_path), "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "oricol", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)


async def _sign_in(client, email: str, password: str):
    return await client.post("/auth/v1/token?grant_type=password", json={"email": email, "password": password})


async def test_users_add_list_role(db_url, pg_server, tmp_path, client, admin):
    made = oricol(db_url, pg_server, tmp_path, "users", "add", "Boss@Example.com", "--role", "admin", "--name", "The Boss")
    assert made.returncode == 0, made.stderr
    password = re.search(r"^password: (\S+)$", made.stdout, re.M).group(1)
    assert len(password) >= 16
    signed = await _sign_in(client, "boss@example.com", password)
    assert signed.status_code == 200, signed.text
    assert await admin.fetchval("select role::text from helpdesk.members where email = 'boss@example.com'") == "admin"

    given = oricol(db_url, pg_server, tmp_path, "users", "add", "agent@example.com", "--role", "agent",
                   "--password-stdin", stdin="correct horse battery\n")
    assert given.returncode == 0 and "password:" not in given.stdout
    assert (await _sign_in(client, "agent@example.com", "correct horse battery")).status_code == 200

    again = oricol(db_url, pg_server, tmp_path, "users", "add", "agent@example.com", "--role", "agent")
    assert again.returncode == 1 and "exists already" in again.stderr and "Traceback" not in again.stderr
    bad = oricol(db_url, pg_server, tmp_path, "users", "add", "not-an-email", "--role", "agent")
    assert bad.returncode == 1 and "not an email address" in bad.stderr

    changed = oricol(db_url, pg_server, tmp_path, "users", "role", "agent@example.com", "manager")
    assert changed.returncode == 0 and "agent -> manager" in changed.stdout
    missing = oricol(db_url, pg_server, tmp_path, "users", "role", "nobody@example.com", "agent")
    assert missing.returncode == 1 and "no helpdesk member" in missing.stderr

    listed = oricol(db_url, pg_server, tmp_path, "users", "list")
    lines = {line.split()[0]: line.split()[1] for line in listed.stdout.splitlines()[1:]}
    assert lines == {"boss@example.com": "admin", "agent@example.com": "manager"}
    actions = [r["action"] for r in await admin.fetch("select action from helpdesk.audit_log order by id")]
    assert actions == ["member.created", "member.created", "member.role"]


async def test_bare_platform_has_no_helpdesk_commands_to_run(db_url, pg_server, tmp_path):
    env = {**os.environ, **environ_for(db_url, pg_server.password, tmp_path), "PYTHONPATH": str(REPO),
           "ORICOL_HELPDESK": "false"}
    done = subprocess.run([sys.executable, "-m", "oricol", "users", "list"], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 1 and "ORICOL_HELPDESK=false" in done.stderr


async def test_demo_loads_an_organisation_whose_people_can_sign_in(db_url, pg_server, tmp_path, client, admin):
    done = oricol(db_url, pg_server, tmp_path, "demo", "--tickets", "400", "--comments-per-ticket", "3")
    assert done.returncode == 0, done.stderr
    passwords = dict(re.findall(r"^\s+(admin|manager|agent|requester)\s+password (\S+)", done.stdout, re.M))
    emails = dict(re.findall(r"^\s+(admin|manager|agent|requester)\s+password \S+\s+e\.g\. (\S+?)[,\s]",
                             done.stdout + "\n", re.M))
    assert set(passwords) == {"admin", "manager", "agent", "requester"}
    counts = await admin.fetchrow(
        "select (select count(*) from helpdesk.tickets) t, (select count(*) from helpdesk.ticket_comments) c, "
        "(select count(*) from helpdesk.members where role = 'agent') a, (select count(*) from helpdesk.assets) s, "
        "(select count(distinct status) from helpdesk.tickets) statuses, "
        "(select min(created_at) from helpdesk.tickets) oldest, (select count(*) from helpdesk.ticket_events) e, "
        "(select count(*) from helpdesk.diagram_links) links, (select count(*) from helpdesk.internet_links) isp")
    assert counts["t"] == 400 and 800 < counts["c"] < 1600 and counts["a"] == 12 and counts["s"] > 40
    assert counts["statuses"] == 6 and counts["e"] >= 400 and counts["links"] > 0 and counts["isp"] == 12
    numbers = await admin.fetchval("select count(distinct number) from helpdesk.tickets")
    assert numbers == 400
    # the printed passwords work, and RLS holds on demo data: a requester sees only their own tickets
    token = (await _sign_in(client, emails["requester"], passwords["requester"])).json()["access_token"]
    seen = await client.get("/rest/v1/tickets?select=requester_id", headers={
        "authorization": f"Bearer {token}", "accept-profile": "helpdesk"})
    me = await admin.fetchval("select user_id::text from helpdesk.members where email = $1", emails["requester"])
    assert seen.status_code == 200 and {r["requester_id"] for r in seen.json()} <= {me}
    admin_token = (await _sign_in(client, emails["admin"], passwords["admin"])).json()["access_token"]
    everything = await client.get("/rest/v1/tickets?select=id", headers={
        "authorization": f"Bearer {admin_token}", "accept-profile": "helpdesk", "prefer": "count=exact",
        "range": "0-0"})
    assert everything.headers["content-range"].endswith("/400")
    twice = oricol(db_url, pg_server, tmp_path, "demo", "--tickets", "10")
    assert twice.returncode == 1 and "loaded already" in twice.stderr and "Traceback" not in twice.stderr
