"""Error shapes and hostile input: every failure is {code, message, details, hint}; identifiers and
values from the request are quoted or refused, never executed."""
from __future__ import annotations

import pytest

SHAPE = {"code", "message", "details", "hint"}


async def test_unknown_table_is_404_pgrst205_with_a_suggestion(anon):
    r = await anon.get("/rest/v1/book")
    assert r.status_code == 404
    assert r.json() == {"code": "PGRST205", "message": "Could not find the table 'public.book' in the schema cache",
                        "details": None, "hint": "Perhaps you meant the table 'public.books'"}


async def test_unknown_column_is_400_42703(anon):
    r = await anon.get("/rest/v1/books?select=nope")
    assert r.status_code == 400 and r.json()["code"] == "42703"
    f = await anon.get("/rest/v1/books?nope=eq.1")
    assert f.status_code == 400 and f.json()["code"] == "42703"


async def test_bad_value_for_a_type_is_400_22p02(anon):
    r = await anon.get("/rest/v1/books?id=eq.abc")
    assert r.status_code == 400 and r.json()["code"] == "22P02"
    assert 'invalid input syntax for type bigint: "abc"' == r.json()["message"]


@pytest.mark.parametrize("query", [
    "select=id,(", "select=a::bad;type", "id=xx.1", "id=eq", "or=(id.eq.1", "or=id.eq.1", "order=id.sideways",
    "limit=-1", "offset=x", "id=in.1,2", "id=is.maybe", "title=fts(bad lang).x", "id=eq(some).{1}",
    "select=*,authors!inner", 'or=(title.eq."open)', "select=count(),id.bogus()",
])
async def test_malformed_queries_are_pgrst100(anon, query):
    r = await anon.get("/rest/v1/books?" + query)
    assert r.status_code == 400, r.text
    assert set(r.json()) == SHAPE and r.json()["code"] == "PGRST100"


HOSTILE = ['x"; drop table books; --', "id) or (1=1", "ü\u00e9\u4e2d", "a" * 5000, "';select pg_sleep(5)--", "$1",
           "books\"", "1e9999"]


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_text_in_every_position_is_never_executed(anon, service, admin, text):
    probes = [
        anon.get("/rest/v1/books", params={"select": text}),
        anon.get("/rest/v1/books", params={"select": f"id,{text}:title"}),
        anon.get("/rest/v1/books", params={"title": f"eq.{text}"}),
        anon.get("/rest/v1/books", params={text: "eq.1"}),
        anon.get("/rest/v1/books", params={"order": text}),
        anon.get("/rest/v1/books", params={"or": f"(title.eq.{text},id.eq.1)"}),
        anon.get("/rest/v1/books", params={"meta->>" + text: "eq.1"}),
        anon.get("/rest/v1/" + text),
        anon.get("/rest/v1/books", headers={"Accept-Profile": text.encode("utf-8")}),
        anon.post("/rest/v1/rpc/" + text, json={}),
        anon.post("/rest/v1/rpc/add_them", json={text: 1}),
        service.post("/rest/v1/labels", params={"on_conflict": text}, json={"id": 1, "name": "x"},
                     headers={"Prefer": "resolution=merge-duplicates"}),
        service.post("/rest/v1/labels", params={"columns": text}, json={"id": 1, "name": "x"}),
        service.patch("/rest/v1/labels", params={"name": f"eq.{text}"}, json={"name": text}),
    ]
    for probe in probes:
        r = await probe
        assert r.status_code < 500, r.text
        if r.status_code >= 400:
            assert set(r.json()) == SHAPE
    assert await admin.fetchval("select count(*) from books") == 4


async def test_huge_in_list_and_long_values(anon):
    values = ",".join(str(i) for i in range(5000))
    r = await anon.get(f"/rest/v1/books?select=id&id=in.({values})&order=id")
    assert r.status_code == 200 and len(r.json()) == 4


async def test_unsupported_method_and_path(anon):
    r = await anon.request("TRACE", "/rest/v1/books")
    assert r.status_code == 405 and set(r.json()) == SHAPE
    deep = await anon.get("/rest/v1/books/1/x")
    assert deep.status_code == 404 and set(deep.json()) == SHAPE


async def test_unsupported_content_type_is_415(service):
    r = await service.post("/rest/v1/authors", content=b"<a/>", headers={"Content-Type": "application/xml"})
    assert r.status_code == 415 and r.json()["code"] == "PGRST107"
