"""Storage test fixtures: RLS policies on the live server's database, users with JWTs, clients.

Policies (as a Supabase project would write them) apply to buckets whose id starts with `own-`:
a user reads and writes only under a folder named by their id. Buckets starting with `pub-` are
readable by everyone. Each test makes its own uniquely named buckets.
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid

import asyncpg
import httpx
import pytest
from supabase import ClientOptions, create_client

from oricol.jwt import encode
from tests.support import pg
from tests.support.stack import SECRETS, LiveServer, config_for

S3_BUCKET = "oricol-test-objects"

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
def s3_server():
    """A local S3-compatible server (moto in server mode) on a free loopback port, in its own process."""
    port = pg.free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    import boto3
    boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test",
                 aws_secret_access_key="test").create_bucket(Bucket=S3_BUCKET)
    yield url
    process.terminate()
    process.wait(10)


def s3_settings(endpoint: str) -> dict[str, str]:
    return {"ORICOL_STORAGE_BACKEND": "s3", "ORICOL_STORAGE_S3_BUCKET": S3_BUCKET,
            "ORICOL_STORAGE_S3_ENDPOINT": endpoint, "ORICOL_STORAGE_S3_ACCESS_KEY": "test",
            "ORICOL_STORAGE_S3_SECRET_KEY": "test", "ORICOL_STORAGE_S3_PREFIX": "objects"}


@pytest.fixture(scope="session")
async def s3_live(pg_server, template_db, tmp_path_factory, s3_server):
    """A second live server whose storage keeps bytes in S3."""
    name = await pg.clone(pg_server, template_db, f"oricol_s3_{os.getpid()}")
    server = LiveServer(config_for(pg_server.url_for(name), pg_server.password, tmp_path_factory.mktemp("s3live"),
                                   **s3_settings(s3_server)))
    await asyncio.to_thread(server.start)
    yield server
    await asyncio.to_thread(server.stop)
    await pg.drop(pg_server, name)


async def _install_policies(db_url: str) -> None:
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute(POLICIES)
    finally:
        await conn.close()


@pytest.fixture(scope="session", params=["disk", "s3"])
def storage_live(request):
    """Each storage test runs against both backends."""
    live = request.getfixturevalue("live" if request.param == "disk" else "s3_live")
    asyncio.run(_install_policies(live.db_url))
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
