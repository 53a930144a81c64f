"""Several exposed schemas: Accept-Profile / Content-Profile choose one, the answer names it."""
from __future__ import annotations

import asyncpg
import pytest

from tests.support.stack import asgi_client, close_stack, config_for, open_stack


@pytest.fixture
async def two_schemas(db_url, pg_server, tmp_path):
    conn = await asyncpg.connect(db_url)
    await conn.execute("""
      create schema api;
      grant usage on schema api to anon, authenticated, service_role;
      create table api.widgets (id int primary key, name text);
      create table public.widgets (id int primary key, label text);
      grant all on api.widgets to anon, service_role;
      insert into api.widgets values (1, 'api one');
      insert into public.widgets values (1, 'public one');
      create function api.shout(word text) returns text language sql immutable as $$ select upper(word) $$;
      grant execute on function api.shout(text) to anon;
    """)
    await conn.close()
    stack = await open_stack(config_for(db_url, pg_server.password, tmp_path, ORICOL_REST_SCHEMAS="public,api"))
    async with asgi_client(stack) as http:
        yield http
    await close_stack(stack)


async def test_profiles_switch_schema(two_schemas):
    default = await two_schemas.get("/rest/v1/widgets")
    assert default.json() == [{"id": 1, "label": "public one"}] and default.headers["content-profile"] == "public"
    api = await two_schemas.get("/rest/v1/widgets", headers={"Accept-Profile": "api"})
    assert api.json() == [{"id": 1, "name": "api one"}] and api.headers["content-profile"] == "api"
    written = await two_schemas.post("/rest/v1/widgets?select=name", json={"id": 2, "name": "two"},
                                     headers={"Content-Profile": "api", "Prefer": "return=representation"})
    assert written.status_code == 201 and written.json() == [{"name": "two"}]
    shout = await two_schemas.post("/rest/v1/rpc/shout", json={"word": "hi"}, headers={"Content-Profile": "api"})
    assert shout.json() == "HI"
    refused = await two_schemas.get("/rest/v1/widgets", headers={"Accept-Profile": "auth"})
    assert refused.status_code == 406
    assert refused.json()["message"] == "The schema must be one of the following: public, api"


async def test_single_object_parameter_preference(service, admin):
    await admin.execute("create function public.keys_of(payload json) returns text language sql immutable as "
                        "$$ select string_agg(k, ',' order by k) from json_object_keys(payload) k $$")
    import asyncio
    for _ in range(100):
        r = await service.post("/rest/v1/rpc/keys_of", json={"b": 1, "a": 2},
                               headers={"Prefer": "params=single-object"})
        if r.status_code == 200:
            break
        await asyncio.sleep(0.05)
    assert r.json() == "a,b"
