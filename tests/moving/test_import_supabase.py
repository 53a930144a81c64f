"""`oricol import supabase` end to end: a Supabase-shaped project (a bare Oricol stack running the fixture
app's Supabase migrations: RLS tables, a trigger on auth.users, storage buckets and policies, realtime)
is the source; a fresh installation is the target. Users sign in with their old passwords afterwards."""
from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg
import pytest
from supabase import create_client

from tests.support.project import project_in_tmp

pytestmark = pytest.mark.system
PASSWORD = "correct horse battery staple"


def sql(project, query: str, *args):
    async def go():
        conn = await asyncpg.connect(project.keys()["db_url"])
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()
    return asyncio.run(go())


@pytest.fixture(scope="module")
def source():
    with project_in_tmp() as project:
        project.env["ORICOL_HELPDESK"] = "false"  # a Supabase project has no helpdesk schema
        project.cli("init")
        project.start(timeout=180)
        keys = project.keys()
        admin = create_client(project.url, keys["service_role_key"])
        users = {}
        for name in ("ada", "bob"):
            created = admin.auth.admin.create_user({"email": f"{name}@example.com", "password": PASSWORD,
                                                    "email_confirm": True, "user_metadata": {"full_name": name}})
            users[name] = created.user.id
        sql(project, "insert into public.tickets (title, created_by) values ('ada printer', $1), "
                     "('bob laptop', $2)", uuid.UUID(users["ada"]), uuid.UUID(users["bob"]))
        files = {f"{users['ada']}/report.pdf": b"%PDF-1.4 ada's report" * 50,
                 f"{users['bob']}/scan.png": bytes(range(256)) * 40}
        for path, data in files.items():
            admin.storage.from_("documents").upload(path, data, {"content-type": "application/pdf"})
        yield project, users, files


def fresh_target():
    return project_in_tmp(migrations=None)


def import_into(target, source_project, *extra: str, check: bool = True):
    keys = source_project.keys()
    return target.cli("import", "supabase", "--db-url", keys["db_url"], *extra, check=check, timeout=300)


def test_plan_changes_nothing(source):
    project, _, _ = source
    with fresh_target() as target:
        target.cli("init")
        target.start(timeout=180)
        planned = import_into(target, project, "--plan")
        assert "table public.tickets: 2 rows" in planned.stdout
        people = sql(project, "select count(*) from auth.users")[0][0]  # ours and the fixture app's seeded admin
        assert f"auth.users: {people} rows" in planned.stdout and "2 objects" in planned.stdout
        assert "schema storage" in planned.stdout  # listed as skipped, with the reason
        assert sql(target, "select count(*) from auth.users")[0][0] == 0
        assert sql(target, "select to_regclass('public.tickets') is null")[0][0]
        unconfirmed = import_into(target, project, check=False)  # no terminal, no --yes: nothing happens
        assert unconfirmed.returncode == 1 and "--yes" in unconfirmed.stderr
        assert sql(target, "select count(*) from auth.users")[0][0] == 0


def test_round_trip_keeps_passwords_rows_policies_and_objects(source):
    project, users, files = source
    keys = project.keys()
    with fresh_target() as target:
        target.cli("init")
        target.start(timeout=180)
        done = import_into(target, project, "--storage-url", project.url, "--service-key", keys["service_role_key"],
                           "--yes")
        assert "every count and object checksum matches" in done.stdout, done.stdout + done.stderr
        theirs = target.keys()
        ada = create_client(target.url, theirs["anon_key"])
        session = ada.auth.sign_in_with_password({"email": "ada@example.com", "password": PASSWORD})
        assert session.user.id == users["ada"]
        # RLS came along: ada reads her ticket only, and her profile made by the app's trigger at sign-up.
        # (The running REST service reloads its schema cache on the importer's NOTIFY: give it a moment.)
        deadline = time.monotonic() + 20
        while True:
            try:
                titles = [t["title"] for t in ada.table("tickets").select("title").execute().data]
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert titles == ["ada printer"]
        assert ada.table("profiles").select("full_name").execute().data == [{"full_name": "ada"}]
        # Storage: the bytes, and the app's storage policy (own folder only).
        path = f"{users['ada']}/report.pdf"
        assert ada.storage.from_("documents").download(path) == files[path]
        with pytest.raises(Exception):  # noqa: B017 - any refusal: what matters is that no bytes come back
            ada.storage.from_("documents").download(f"{users['bob']}/scan.png")
        # The app's trigger on auth.users was brought: a new user gets a profile here too.
        admin = create_client(target.url, theirs["service_role_key"])
        new = admin.auth.admin.create_user({"email": "cy@example.com", "password": PASSWORD, "email_confirm": True})
        assert sql(target, "select count(*) from public.profiles where id = $1", uuid.UUID(new.user.id))[0][0] == 1
        assert sql(target, "select count(*) from pg_publication_tables where pubname = 'supabase_realtime' "
                           "and schemaname = 'public' and tablename = 'tickets'")[0][0] == 1
        # The helpdesk knows the imported people as requesters.
        everyone = [r[0] for r in sql(project, "select id from auth.users")]
        assert sql(target, "select count(*) from helpdesk.members where user_id = any($1::uuid[])",
                   everyone)[0][0] == len(everyone)
        target.stop()

        # Interrupted while fetching objects: the second run fetches only what is missing.
        storage_root = target.root / "data" / "storage" / "objects"
        victim = next(p for p in storage_root.glob("*/*"))
        victim.unlink()
        again = import_into(target, project, "--storage-url", project.url, "--service-key",
                            keys["service_role_key"], "--yes")
        assert "resuming with the objects" in again.stdout and "1 fetched" in again.stdout, again.stdout
        assert "1 already here" in again.stdout


def test_refuses_a_target_in_use_and_a_failure_leaves_it_as_it_was(source):
    project, _, _ = source
    with fresh_target() as target:
        target.cli("init")
        target.start(timeout=180)
        admin = create_client(target.url, target.keys()["service_role_key"])
        admin.auth.admin.create_user({"email": "local@example.com", "password": PASSWORD, "email_confirm": True})
        refused = import_into(target, project, "--yes", check=False)
        assert refused.returncode == 1 and "1 users in auth.users" in refused.stderr
        target.stop()
    with fresh_target() as target:
        target.cli("init")
        target.start(timeout=180)
        # Something the freshness check does not look for collides half-way: the whole import rolls back.
        sql(target, "create type public.app_role as enum ('other')")
        failed = import_into(target, project, "--yes", check=False)
        assert failed.returncode == 1 and "app_role" in failed.stderr
        assert sql(target, "select count(*) from auth.users")[0][0] == 0
        assert sql(target, "select to_regclass('public.profiles') is null")[0][0]
        assert sql(target, "select count(*) from storage.buckets where id = 'documents'")[0][0] == 0
