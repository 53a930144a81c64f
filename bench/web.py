"""Web app benchmark: the agent desk's first load on a cold cache (to the first rows on screen), the
JavaScript of that first route (gzipped), and switching saved views, with N tickets in the database.

Goals (issue 12): first load <= 1.5 s, first-route JS <= 350 KB gzipped, view switch <= 150 ms with
100,000 tickets. Printed, not asserted. Needs the built bundle (make start / make install-test).

    python bench/web.py [--tickets 100000]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import asyncpg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.project import project_in_tmp  # noqa: E402
from tests.support.web import WEB_DIR, ensure_built  # noqa: E402

PASSWORD = "bench-password-9"
SEED = """
insert into helpdesk.tickets (title, description, status, priority, requester_id, assignee_id, created_at)
select 'Bench ticket ' || g || ' about ' || (array['printer','vpn','laptop','email','wifi'])[1 + g % 5],
       'Generated for the web benchmark',
       (array['new','open','pending','on_hold','resolved','closed'])[1 + g % 6]::helpdesk.ticket_status,
       (array['low','normal','high','urgent'])[1 + g % 4]::helpdesk.ticket_priority,
       $1::uuid, case when g % 3 = 0 then null else $1::uuid end, now() - make_interval(mins => g)
from generate_series(1, $2::int) g
"""


async def seed(db_url: str, email: str, tickets: int) -> None:
    conn = await asyncpg.connect(db_url)
    try:
        user_id = await conn.fetchval("select id from auth.users where email = $1", email)
        await conn.execute("update helpdesk.members set role = 'agent', full_name = 'Bench Agent' where user_id = $1", user_id)
        await conn.execute(SEED, user_id, tickets)
        await conn.execute("analyze helpdesk.tickets")
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    args = parser.parse_args()
    ensure_built()
    with project_in_tmp(migrations=None) as project:
        project.cli("init")
        project.start(timeout=120)
        keys = project.keys()
        email = "bench-agent@example.com"
        import httpx

        created = httpx.post(f"{project.url}/auth/v1/admin/users",
                             json={"email": email, "password": PASSWORD, "email_confirm": True},
                             headers={"apikey": keys["service_role_key"], "authorization": f"Bearer {keys['service_role_key']}"})
        created.raise_for_status()
        asyncio.run(seed(keys["db_url"], email, args.tickets))
        env = {**os.environ, "ORICOL_URL": project.url, "ANON_KEY": keys["anon_key"], "EMAIL": email, "PASSWORD": PASSWORD}
        result = subprocess.run(["node", "bench/first-load.mjs"], cwd=WEB_DIR, env=env, capture_output=True, text=True,
                                timeout=600)
        if result.returncode != 0:
            sys.exit(f"benchmark failed:\n{result.stderr}\n{result.stdout}")
        figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"tickets in the database:        {args.tickets:,}")
    print(f"first load to rows on screen:   median {figures['first_load_median_ms']} ms  {figures['first_load_ms']}"
          "  (goal <= 1500)")
    print(f"first route JavaScript:         {figures['js_gzip_bytes'] / 1024:.0f} KB gzipped in {figures['js_files']} files"
          "  (goal <= 350)")
    print(f"switching saved views:          median {figures['view_switch_median_ms']} ms  {figures['view_switch_ms']}"
          "  (goal <= 150)")


if __name__ == "__main__":
    main()
