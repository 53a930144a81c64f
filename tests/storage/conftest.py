"""Storage test fixtures: RLS policies on the live server's database, users with JWTs, clients.

Policies (as a Supabase project would write them) apply to buckets whose id starts with `own-`:
a user reads and writes only under a folder named by their id. Buckets starting with `pub-` are
readable by everyone. Each test makes its own uniquely named buckets.
"""
from __future__ import annotations

import time
import uuid

import asyncpg
import pytest
from supabase import ClientOptions, create_client

from oricol.jwt import encode
from tests.support.stack import SECRETS

POLICIES = """
drop policy if exists "test own folder select" on storage.objects;
drop policy if exists "test own folder insert" on storage.objects;
drop policy if exists "test own folder update" on storage.objects;
drop policy if exists "test own folder delete" on storage.objects;
drop policy if exists "test public read" on storage.objects;
drop policy if exists "test buckets read" on storage.buckets;
create policy "test own folder select" on storage.objects for select to authenticated
  using (bucket_id like 'own-%' and (storage.foldername(name))[1] = auth.uid()::text);
create policy "test own folder insert" on storage.objects for insert to authenticated
  with check (bucket_id like 'own-%' and (storage.foldername(name))[1] = auth.uid()::text);
create policy "test own folder update" on storage.objects for update to authenticated
  using (bucket_id like 'own-%' and (storage.foldername(name))[1] = auth.uid()::text)
  with check (bucket_id like 'own-%' and (storage.foldername(name))[1] = auth.uid()::text);
create policy "test own folder delete" on storage.objects for delete to authenticated
  using (bucket_id like 'own-%' and (storage.foldername(name))[1] = auth.uid()::text);
create policy "test public read" on storage.objects for select to anon, authenticated
  using (bucket_id like 'pub-%');
create policy "test buckets read" on storage.buckets for select to authenticated
  using (id like 'own-%' or id like 'pub-%');
"""


@pytest.fixture(scope="session")
async def storage_live(live):
    conn = await asyncpg.connect(live.db_url)
    try:
        await conn.execute(POLICIES)
    finally:
        await conn.close()
    return live


def user_token(user_id: str | None = None, *, expires_in: int = 3600) -> tuple[str, str]:
    user_id = user_id or str(uuid.uuid4())
    token = encode({"sub": user_id, "role": "authenticated", "aud": "authenticated",
                    "exp": int(time.time()) + expires_in}, SECRETS["jwt_secret"])
    return user_id, token


def storage_client(live, token: str | None = None, *, key: str | None = None):
    options = ClientOptions(headers={"Authorization": f"Bearer {token}"}) if token else ClientOptions()
    return create_client(live.url, key or live.anon_key, options=options).storage


@pytest.fixture
def admin_storage(storage_live):
    return storage_client(storage_live, key=storage_live.service_role_key)


@pytest.fixture
def user(storage_live):
    """(user id, its storage client)."""
    user_id, token = user_token()
    return user_id, storage_client(storage_live, token)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def own_bucket(admin_storage):
    name = unique("own")
    admin_storage.create_bucket(name)
    return name


@pytest.fixture
def public_bucket(admin_storage):
    name = unique("pub")
    admin_storage.create_bucket(name, options={"public": True})
    return name
