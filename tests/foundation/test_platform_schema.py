"""The platform schema lets Supabase-style migrations apply unchanged and behave as on Supabase."""
from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
import pytest

from oricol import migrate
from oricol.db import Caller, as_caller, create_pool

FIXTURES = Path(__file__).parent / "fixtures" / "supabase_migrations"
ADMIN_ID = "a0000000-0000-4000-8000-000000000001"


@pytest.fixture
async def helpdesk(admin, db_url, pg_server):
    await migrate.apply(admin, migrate.app_migrations(FIXTURES))
    from oricol.db import with_login
    pool = await create_pool(with_login(db_url, "authenticator", pg_server.password), max_size=2)
    yield pool
    await pool.close()


def user(uid: str) -> Caller:
    return Caller(role="authenticated", claims={"sub": uid, "role": "authenticated", "email": f"{uid}@x.test"})


async def new_user(admin, email: str, name: str = "") -> str:
    uid = str(uuid.uuid4())
    await admin.execute(
        "insert into auth.users (id, aud, role, email, raw_user_meta_data) values ($1, 'authenticated', "
        "'authenticated', $2, jsonb_build_object('full_name', $3::text))", uuid.UUID(uid), email, name)
    return uid


async def test_roles_schemas_and_extensions_exist(admin):
    roles = {r["rolname"]: r for r in await admin.fetch(
        "select rolname, rolbypassrls, rolcanlogin from pg_roles "
        "where rolname in ('anon','authenticated','service_role','authenticator')")}
    assert set(roles) == {"anon", "authenticated", "service_role", "authenticator"}
    assert roles["service_role"]["rolbypassrls"] and not roles["anon"]["rolbypassrls"]
    assert roles["authenticator"]["rolcanlogin"] and not roles["anon"]["rolcanlogin"]
    schemas = {r[0] for r in await admin.fetch("select nspname from pg_namespace")}
    assert {"auth", "storage", "realtime", "extensions"} <= schemas
    assert await admin.fetchval("select extensions.uuid_generate_v4() is not null")
    assert len(await admin.fetchval("select extensions.gen_random_bytes(24)")) == 24
    hashed = await admin.fetchval("select extensions.crypt('pw', extensions.gen_salt('bf'))")
    assert hashed.startswith("$2a$") and await admin.fetchval("select extensions.crypt('pw', $1) = $1", hashed)
    assert await admin.fetchval("select count(*) from pg_publication where pubname = 'supabase_realtime'") == 1


async def test_auth_tables_have_gotrue_columns(admin):
    columns = {r[0] for r in await admin.fetch(
        "select column_name from information_schema.columns where table_schema = 'auth' and table_name = 'users'")}
    for column in ("id", "aud", "role", "email", "encrypted_password", "email_confirmed_at", "phone",
                   "raw_app_meta_data", "raw_user_meta_data", "confirmation_token", "confirmation_sent_at",
                   "recovery_token", "recovery_sent_at", "last_sign_in_at", "banned_until", "is_anonymous",
                   "deleted_at", "created_at", "updated_at", "confirmed_at", "email_change"):
        assert column in columns, column
    tables = {r[0] for r in await admin.fetch("select tablename from pg_tables where schemaname = 'auth'")}
    assert {"users", "identities", "sessions", "refresh_tokens", "audit_log_entries"} <= tables


async def test_claim_helpers_read_request_jwt_claims(admin, db_url, pg_server):
    from oricol.db import with_login
    pool = await create_pool(with_login(db_url, "authenticator", pg_server.password), max_size=1)
    try:
        uid = str(uuid.uuid4())
        async with as_caller(pool, user(uid)) as conn:
            row = await conn.fetchrow("select auth.uid()::text as uid, auth.role() as role, auth.email() as email, "
                                      "auth.jwt() ->> 'sub' as sub, current_user as cu")
        assert dict(row) == {"uid": uid, "role": "authenticated", "email": f"{uid}@x.test", "sub": uid,
                             "cu": "authenticated"}
        async with as_caller(pool, Caller(role="anon", claims={"role": "anon"})) as conn:
            assert await conn.fetchval("select auth.uid()") is None
            assert await conn.fetchval("select current_user") == "anon"
    finally:
        await pool.close()


async def test_storage_path_helpers(admin):
    row = await admin.fetchrow("select storage.foldername('a/b/c.png') as f, storage.filename('a/b/c.png') as n, "
                               "storage.extension('a/b/c.tar.gz') as e")
    assert row["f"] == ["a", "b"] and row["n"] == "c.png" and row["e"] == "gz"


async def test_supabase_style_migrations_apply_and_behave(admin, helpdesk):
    # The seed user (crypt + gen_salt) exists with a verifiable bcrypt hash, and the trigger made a profile.
    assert await admin.fetchval("select encrypted_password = extensions.crypt('admin-password-1', encrypted_password)"
                                " from auth.users where email = 'admin@oricol.test'")
    alice = await new_user(admin, "alice@x.test", "Alice")
    bob = await new_user(admin, "bob@x.test", "Bob")
    assert await admin.fetchval("select full_name from public.profiles where id = $1", uuid.UUID(alice)) == "Alice"

    # RLS through auth.uid(): each user sees only their own profile; the admin (has_role) sees all.
    async with as_caller(helpdesk, user(alice)) as conn:
        assert [r["email"] for r in await conn.fetch("select email from public.profiles")] == ["alice@x.test"]
    async with as_caller(helpdesk, user(ADMIN_ID)) as conn:
        assert await conn.fetchval("select count(*) from public.profiles") == 3

    # Default privileges: the later table is usable by authenticated, under its policies.
    async with as_caller(helpdesk, user(alice)) as conn:
        await conn.execute("insert into public.tickets (title, created_by) values ('printer', $1)", uuid.UUID(alice))
    async with as_caller(helpdesk, user(alice)) as conn:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("insert into public.tickets (title, created_by) values ('x', $1)", uuid.UUID(bob))
    async with as_caller(helpdesk, user(bob)) as conn:
        assert await conn.fetchval("select count(*) from public.tickets") == 0
    async with as_caller(helpdesk, Caller(role="service_role", claims={"role": "service_role"})) as conn:
        assert await conn.fetchval("select count(*) from public.tickets") == 1
        assert len(await conn.fetchval("select share_token from public.tickets")) == 32

    # Deleting the auth user cascades to the app's rows.
    await admin.execute("delete from auth.users where id = $1", uuid.UUID(bob))
    assert await admin.fetchval("select count(*) from public.profiles where id = $1", uuid.UUID(bob)) == 0

    # Storage: the buckets, and policies with storage.foldername() deciding per folder.
    # (The helpdesk's own buckets are namespaced helpdesk-*, so the app's names stay the app's.)
    buckets = await admin.fetch("select id, public, file_size_limit, allowed_mime_types from storage.buckets"
                                " where id not like 'helpdesk-%' order by id")
    assert [(b["id"], b["public"]) for b in buckets] == [("diagrams", True), ("documents", False)]
    assert buckets[1]["allowed_mime_types"] == ["application/pdf", "image/*"]
    async with as_caller(helpdesk, user(alice)) as conn:
        await conn.execute("insert into storage.objects (bucket_id, name, owner) values ('documents', $1, $2)",
                           f"{alice}/report.pdf", uuid.UUID(alice))
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("insert into storage.objects (bucket_id, name) values ('documents', 'other/x.pdf')")

    # The publication carries the table for realtime.
    assert await admin.fetchval("select count(*) from pg_publication_tables where pubname = 'supabase_realtime' "
                                "and schemaname = 'public' and tablename = 'tickets'") == 1
