"""Computed relationships: a function taking a row of one table and returning rows of another is
embedded by its name, to-many for SETOF, to-one without SETOF or with ROWS 1, from reads, RPC
results and written rows alike, as in PostgREST v12."""
from __future__ import annotations

import asyncio

from .test_embed import get


async def test_setof_is_to_many(anon):
    rows = await get(anon, "/rest/v1/tickets", {"select": "id,thread(id,body)", "id": "in.(1,3)", "order": "id"})
    assert rows == [{"id": 1, "thread": [{"id": 1, "body": "Looking into it"}, {"id": 2, "body": "Parts ordered"}]},
                    {"id": 3, "thread": []}]


async def test_rows_1_is_to_one_and_null_when_empty(anon):
    rows = await get(anon, "/rest/v1/tickets", {"select": "id,latest:latest_comment(body)", "id": "in.(1,3)",
                                                "order": "id"})
    assert rows == [{"id": 1, "latest": {"body": "Parts ordered"}}, {"id": 3, "latest": None}]


async def test_a_single_row_function_is_to_one(anon):
    rows = await get(anon, "/rest/v1/comments", {"select": "id,ticket(title,parent_id(title))", "id": "eq.3"})
    assert rows == [{"id": 3, "ticket": {"title": "Toner empty", "parent_id": {"title": "Printer broken"}}}]


async def test_self_computed_relationship_and_nesting(anon):
    rows = await get(anon, "/rest/v1/tickets", {"select": "id,subtickets(id,thread(body))", "id": "eq.1"})
    assert rows == [{"id": 1, "subtickets": [{"id": 2, "thread": [{"body": "New toner on its way"}]},
                                             {"id": 3, "thread": []}]}]


async def test_inner_filters_order_and_count(anon):
    response = await anon.get("/rest/v1/tickets", params={"select": "id,thread!inner(body)",
                                                          "thread.body": "like.*toner*"},
                              headers={"Prefer": "count=exact"})
    assert response.status_code == 200
    assert response.json() == [{"id": 2, "thread": [{"body": "New toner on its way"}]}]
    assert response.headers["content-range"] == "0-0/1"
    ordered = await get(anon, "/rest/v1/tickets", {"select": "id,thread(id)", "id": "eq.1",
                                                   "thread.order": "id.desc", "thread.limit": "1"})
    assert ordered == [{"id": 1, "thread": [{"id": 2}]}]


async def test_order_by_and_spread_of_a_to_one_computed_relationship(anon):
    rows = await get(anon, "/rest/v1/tickets", {"select": "id,latest:latest_comment(created_at)",
                                                "order": "latest(created_at).desc.nullslast,id", "limit": "3"})
    assert [r["id"] for r in rows] == [5, 2, 1]
    spread = await get(anon, "/rest/v1/tickets", {"select": "id,...latest_comment(last:body)", "id": "eq.5"})
    assert spread == [{"id": 5, "last": "Token reset"}]


async def test_hints_are_ignored(anon):
    rows = await get(anon, "/rest/v1/tickets", {"select": "id,thread!whatever(id)", "id": "eq.2"})
    assert rows == [{"id": 2, "thread": [{"id": 3}]}]


async def test_from_an_rpc_result(anon):
    rows = await get(anon, "/rest/v1/rpc/root_tickets", {"select": "id,latest_comment(body),subtickets(id)"})
    assert rows == [{"id": 1, "latest_comment": {"body": "Parts ordered"}, "subtickets": [{"id": 2}, {"id": 3}]},
                    {"id": 5, "latest_comment": {"body": "Token reset"}, "subtickets": []}]


async def test_from_written_rows(service):
    created = await service.post("/rest/v1/tickets", params={"select": "id,subtickets(id),parent:parent_id(id)"},
                                 json={"id": 6, "title": "Fuser hot", "parent_id": 1},
                                 headers={"Prefer": "return=representation"})
    assert created.status_code == 201, created.text
    assert created.json() == [{"id": 6, "subtickets": [], "parent": {"id": 1}}]
    patched = await service.patch("/rest/v1/tickets", params={"id": "eq.1", "select": "title,subtickets(id)"},
                                  json={"title": "Printer fixed"}, headers={"Prefer": "return=representation"})
    assert patched.json() == [{"title": "Printer fixed", "subtickets": [{"id": 2}, {"id": 3}, {"id": 6}]}]
    deleted = await service.delete("/rest/v1/comments", params={"id": "eq.4", "select": "id,ticket(title)"},
                                   headers={"Prefer": "return=representation"})
    assert deleted.json() == [{"id": 4, "ticket": {"title": "VPN down"}}]


async def test_a_function_named_like_a_table_overrides_the_foreign_keys(admin, anon):
    body = await get(anon, "/rest/v1/books", {"select": "id,authors(name)"}, status=300)
    assert body["code"] == "PGRST201"
    await admin.execute("create function public.authors(public.books) returns setof public.authors rows 1 "
                        "language sql stable as $$ select * from public.authors where id = $1.editor_id $$")
    for _ in range(100):
        response = await anon.get("/rest/v1/books", params={"select": "id,authors(name)", "order": "id"})
        if response.status_code == 200:
            break
        await asyncio.sleep(0.05)
    assert response.json() == [{"id": 1, "authors": {"name": "Stanislaw"}}, {"id": 2, "authors": None},
                               {"id": 3, "authors": {"name": "Ursula"}}, {"id": 4, "authors": None}]
