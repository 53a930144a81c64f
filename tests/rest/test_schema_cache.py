"""The schema cache follows the database: DDL reloads it through the event trigger, a manual
`NOTIFY pgrst` reloads it, and requests in flight during a reload still succeed."""
from __future__ import annotations

import asyncio


async def eventually(probe, expected_status, attempts=100):
    for _ in range(attempts):
        response = await probe()
        if response.status_code == expected_status:
            return response
        await asyncio.sleep(0.05)
    raise AssertionError(f"still {response.status_code}: {response.text}")


async def test_ddl_reloads_the_cache(rest_stack, admin, anon):
    holder = rest_stack.services["rest"].extras["schema_cache"]
    before = holder.reloads
    await admin.execute("create table public.fresh (id int primary key, note text); "
                        "insert into public.fresh values (1, 'hi')")
    r = await eventually(lambda: anon.get("/rest/v1/fresh"), 200)
    assert r.json() == [{"id": 1, "note": "hi"}]
    await admin.execute("alter table public.fresh add column author_id bigint references public.authors(id)")
    await admin.execute("update public.fresh set author_id = 2")
    r = await eventually(lambda: anon.get("/rest/v1/fresh?select=id,authors(name)"), 200)
    assert r.json() == [{"id": 1, "authors": {"name": "Stanislaw"}}]
    assert holder.reloads > before


async def test_manual_notify_reloads(rest_stack, admin, anon):
    holder = rest_stack.services["rest"].extras["schema_cache"]
    await admin.execute("alter event trigger oricol_rest_ddl_watch disable")
    await admin.execute("comment on table public.labels is 'Labels for books'")
    before = holder.reloads
    await admin.execute("notify pgrst, 'reload schema'")
    for _ in range(100):
        if holder.reloads > before:
            break
        await asyncio.sleep(0.05)
    assert holder.cache.table("public", "labels").description == "Labels for books"


async def test_requests_in_flight_survive_a_reload(rest_stack, admin, anon):
    await admin.execute("create function public.slow() returns int language sql as $$ select 1 from pg_sleep(0.5) $$")
    await eventually(lambda: anon.post("/rest/v1/rpc/slow", json={}), 200)
    holder = rest_stack.services["rest"].extras["schema_cache"]
    slow = asyncio.create_task(anon.post("/rest/v1/rpc/slow", json={}))
    await asyncio.sleep(0.1)
    await admin.execute("create table public.during_reload (id int)")
    await holder.reload()
    r = await slow
    assert r.status_code == 200 and r.json() == 1
    await eventually(lambda: anon.get("/rest/v1/during_reload"), 200)


async def test_openapi_describes_tables_columns_and_functions(anon):
    r = await anon.get("/rest/v1/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/openapi+json")
    doc = r.json()
    assert doc["swagger"] == "2.0"
    assert doc["definitions"]["books"]["properties"]["id"]["format"] == "bigint"
    assert "Primary Key" in doc["definitions"]["books"]["properties"]["id"]["description"]
    assert doc["definitions"]["authors"]["required"] == ["name"]
    assert "/books" in doc["paths"] and "/rpc/add_them" in doc["paths"]
    assert "get" in doc["paths"]["/rpc/add_them"]
