"""`oricol export supabase` and `oricol import supabase --dump` end to end: a Supabase-shaped project is
imported into a first installation, exported, and the export imported into a second installation, where
every user signs in with the old password and every row and object is identical. A `supabase db dump`-like
file imports too, and a file that is no dump is refused with the target left as it was."""
from __future__ import annotations

import hashlib
import json
import subprocess
import time

import pytest
from supabase import create_client

from oricol.backup.tools import without_password
from oricol.pg.binaries import find_bindir
from tests.moving.test_import_supabase import PASSWORD, fresh_target, import_into, source, sql  # noqa: F401

pytestmark = pytest.mark.system


def started():
    target = fresh_target()
    project = target.__enter__()
    project.cli("init")
    project.start(timeout=180)
    return target, project


def rows(project, query: str) -> list[dict]:
    return [dict(r) for r in sql(project, query)]


TICKETS = "select * from public.tickets order by id"
USERS = ("select id, email, encrypted_password, raw_user_meta_data::text, email_confirmed_at "
         "from auth.users order by id")
IDENTITIES = "select id, user_id, provider, provider_id, identity_data::text from auth.identities order by id"
OBJECTS = "select id, bucket_id, name, owner, metadata::text from storage.objects order by name"
BUCKETS = "select id, name, public, file_size_limit, allowed_mime_types from storage.buckets order by id"
POLICIES = "select tablename, policyname, cmd, qual, with_check from pg_policies where schemaname = 'storage' " \
           "order by 1, 2"


def signs_in_and_reads_own_rows(project, email: str, user_id: str) -> None:
    client = create_client(project.url, project.keys()["anon_key"])
    session = client.auth.sign_in_with_password({"email": email, "password": PASSWORD})
    assert session.user.id == user_id
    deadline = time.monotonic() + 20  # the REST service reloads its schema cache on the importer's NOTIFY
    while True:
        try:
            mine = client.table("tickets").select("created_by").execute().data
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    assert mine and {t["created_by"] for t in mine} == {user_id}  # RLS came along


def test_import_export_import_keeps_everything(source, tmp_path):  # noqa: F811 - the imported fixture
    project, users, files = source
    keys = project.keys()
    first_ctx, first = started()
    second_ctx = None
    try:
        done = import_into(first, project, "--storage-url", project.url, "--service-key", keys["service_role_key"],
                           "--yes")
        assert "every count and object checksum matches" in done.stdout, done.stdout + done.stderr
        for name in ("ada", "bob"):
            signs_in_and_reads_own_rows(first, f"{name}@example.com", users[name])

        out = tmp_path / "export"
        exported = first.cli("export", "supabase", "--out", str(out), timeout=300)
        assert "2 objects" in exported.stdout, exported.stdout
        for name in ("roles.sql", "schema.sql", "auth_storage_data.sql", "data.sql"):
            assert (out / name).is_file()
        assert "create policy" in (out / "schema.sql").read_text().lower()
        manifest = json.loads((out / "storage" / "manifest.json").read_text())
        assert {(o["bucket"], o["name"]): o["md5"] for o in manifest["objects"]} == {
            ("documents", path): hashlib.md5(data).hexdigest() for path, data in files.items()}
        for path, data in files.items():
            assert (out / "storage" / "documents" / path).read_bytes() == data
        refused = first.cli("export", "supabase", "--out", str(out), check=False)
        assert refused.returncode == 1 and "not empty" in refused.stderr

        second_ctx, second = started()
        back = second.cli("import", "supabase", "--dump", str(out), "--yes", check=False, timeout=300)
        assert back.returncode == 0 and "every count and object checksum matches" in back.stdout, \
            back.stdout + back.stderr
        assert "2 fetched" in back.stdout
        for query in (TICKETS, USERS, IDENTITIES, OBJECTS, BUCKETS, POLICIES):
            assert rows(second, query) == rows(first, query), query
        assert rows(second, "select * from public.profiles order by id") == \
            rows(first, "select * from public.profiles order by id")
        for name in ("ada", "bob"):
            signs_in_and_reads_own_rows(second, f"{name}@example.com", users[name])
        admin = create_client(second.url, second.keys()["service_role_key"])
        for path, data in files.items():
            assert hashlib.sha256(admin.storage.from_("documents").download(path)).hexdigest() == \
                hashlib.sha256(data).hexdigest()
        assert sql(second, "select count(*) from pg_publication_tables where pubname = 'supabase_realtime' "
                           "and schemaname = 'public' and tablename = 'tickets'")[0][0] == 1
        assert sql(second, "select count(*) from pg_database where datname like 'oricol_dump_%'")[0][0] == 0
    finally:
        first.stop()
        first_ctx.__exit__(None, None, None)
        if second_ctx is not None:
            second.stop()
            second_ctx.__exit__(None, None, None)


def pg_dump_bytes(project, *args: str) -> bytes:
    url, env = without_password(project.keys()["db_url"])
    return subprocess.run([str(find_bindir() / "pg_dump"), f"--dbname={url}", *args], env={**env, "PATH": "/usr/bin"},
                          capture_output=True, check=True).stdout


def pg_dump(project, *args: str) -> str:
    return pg_dump_bytes(project, *args).decode()


def test_a_dump_file_imports_and_a_bad_one_changes_nothing(source, tmp_path):  # noqa: F811 - the imported fixture
    project, users, files = source
    bad = tmp_path / "bad.sql"
    bad.write_text("this is not SQL at all;\nneither is this\n")
    # What `supabase db dump` files look like: Supabase's own roles and extensions named, owners set.
    dump = tmp_path / "supabase.sql"
    dump.write_text("CREATE EXTENSION IF NOT EXISTS \"pg_graphql\" WITH SCHEMA \"graphql\";\n"
                    "GRANT USAGE ON SCHEMA \"public\" TO \"supabase_read_only_user\";\n"
                    + pg_dump(project, "--schema-only", "--schema=public")
                    + "SET session_replication_role = replica;\n"
                    + pg_dump(project, "--data-only", "--table=auth.users", "--table=auth.identities")
                    + pg_dump(project, "--data-only", "--schema=public"))
    target_ctx, target = started()
    try:
        failed = target.cli("import", "supabase", "--dump", str(bad), "--yes", check=False, timeout=300)
        assert failed.returncode == 1 and "nothing could be restored" in failed.stderr, failed.stderr
        assert "Traceback" not in failed.stderr
        assert sql(target, "select count(*) from auth.users")[0][0] == 0
        assert sql(target, "select to_regclass('public.tickets') is null")[0][0]
        assert sql(target, "select count(*) from pg_database where datname like 'oricol_dump_%'")[0][0] == 0

        custom = tmp_path / "public.dump"
        custom.write_bytes(pg_dump_bytes(project, "--format=custom", "--schema=public"))
        planned = target.cli("import", "supabase", "--dump", str(custom), "--plan", timeout=300)
        assert "table public.tickets: 2 rows" in planned.stdout, planned.stdout  # restored by pg_restore

        planned = target.cli("import", "supabase", "--dump", str(dump), "--plan", timeout=300)
        assert "table public.tickets: 2 rows" in planned.stdout, planned.stdout
        assert "supabase_read_only_user" in planned.stdout and "graphql" in planned.stdout  # skipped, with reasons
        assert sql(target, "select to_regclass('public.tickets') is null")[0][0]

        done = target.cli("import", "supabase", "--dump", str(dump), "--yes", check=False, timeout=300)
        assert done.returncode == 0 and "every count and object checksum matches" in done.stdout, \
            done.stdout + done.stderr
        assert rows(target, TICKETS) == rows(project, TICKETS)
        assert rows(target, USERS) == rows(project, USERS)
        signs_in_and_reads_own_rows(target, "ada@example.com", users["ada"])
    finally:
        target.stop()
        target_ctx.__exit__(None, None, None)
