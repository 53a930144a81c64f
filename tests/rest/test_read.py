"""Reads: select lists, aliases, casts, JSON paths, aggregates, computed columns, filters, order,
paging, counts and media types, checked against the rows of tests/rest/schema.sql."""
from __future__ import annotations

import pytest

BOOKS = "/rest/v1/books"


async def get(client, path, params=None, headers=None, status=200):
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == status, response.text
    return response


async def ids(client, **params):
    params.setdefault("order", "id")
    params.setdefault("select", "id")
    response = await get(client, BOOKS, params)
    return [row["id"] for row in response.json()]


async def test_select_columns_aliases_casts_and_json_paths(anon):
    r = await get(anon, BOOKS, {"select": "id,name:title,pages::text,lang:meta->>lang,n:meta->n,tags,first_tag:tags->0",
                                "id": "eq.1"})
    assert r.json() == [{"id": 1, "name": "A Wizard of Earthsea", "pages": "183", "lang": "en", "n": 1,
                         "tags": ["fantasy", "classic"], "first_tag": "fantasy"}]
    assert r.headers["content-type"] == "application/json; charset=utf-8"


async def test_star_and_default_select(anon):
    star = (await get(anon, BOOKS, {"id": "eq.2"})).json()[0]
    assert star["title"] == "The Dispossessed" and star["price"] == 12.5 and star["meta"] == {"lang": "en", "n": 2}


async def test_computed_column(anon):
    r = await get(anon, BOOKS, {"select": "id,title_upper", "id": "eq.3"})
    assert r.json() == [{"id": 3, "title_upper": "SOLARIS"}]
    assert await ids(anon, title_upper="eq.SOLARIS") == [3]


async def test_aggregates_with_grouping(anon):
    r = await get(anon, BOOKS, {"select": "author_id,pages.sum(),count()", "order": "author_id"})
    assert r.json() == [{"author_id": 1, "sum": 570, "count": 2}, {"author_id": 2, "sum": 204, "count": 1},
                        {"author_id": 3, "sum": 165, "count": 1}]
    total = await get(anon, BOOKS, {"select": "total:pages.sum(),max_price:price.max()"})
    assert total.json() == [{"total": 939, "max_price": 12.5}]


@pytest.mark.parametrize("params, expected", [
    ({"id": "eq.2"}, [2]),
    ({"id": "neq.2"}, [1, 3, 4]),
    ({"pages": "gt.200"}, [2, 3]),
    ({"pages": "gte.204"}, [2, 3]),
    ({"pages": "lt.183"}, [4]),
    ({"pages": "lte.183"}, [1, 4]),
    ({"title": "like.*Earth*"}, [1]),
    ({"title": "ilike.*the*"}, [2]),
    ({"title": "match.^S"}, [3]),
    ({"title": "imatch.^s"}, [3]),
    ({"id": "in.(1,3)"}, [1, 3]),
    ({"title": 'in.("Solaris","Invisible Cities")'}, [3, 4]),
    ({"price": "is.null"}, [3]),
    ({"price": "not.is.null"}, [1, 2, 4]),
    ({"editor_id": "isdistinct.2"}, [2, 3, 4]),
    ({"tags": "cs.{classic}"}, [1, 3]),
    ({"tags": "cd.{scifi,classic,x}"}, [2, 3, 4]),
    ({"tags": "ov.{fantasy,scifi}"}, [1, 2, 3]),
    ({"meta": 'cs.{"lang":"pl"}'}, [3]),
    ({"meta->>lang": "eq.en"}, [1, 2]),
    ({"meta->n": "gt.2"}, [3, 4]),
    ({"during": "sl.[2022-01-01,2023-01-01)"}, [1]),
    ({"during": "ov.[2020-06-01,2020-07-01)"}, [1]),
    ({"during": "adj.[2021-01-01,2022-01-01)"}, [1]),
    ({"during": "nxl.[2019-01-01,2022-01-01)"}, [1]),
    ({"during": "nxr.[2019-01-01,2022-01-01)"}, [1]),
    ({"during": "sr.[2019-01-01,2019-06-01)"}, [1]),
    ({"title": "fts.wizard"}, [1]),
    ({"title": "fts(english).wizards"}, [1]),
    ({"title": "plfts.wizard earthsea"}, [1]),
    ({"title": "phfts(english).invisible cities"}, [4]),
    ({"title": "wfts(english).dispossessed or solaris"}, [2, 3]),
    ({"title": "like(any).{*Earth*,Sol*}"}, [1, 3]),
    ({"title": "like(all).{*i*,*s*}"}, [1, 2, 3, 4]),
    ({"id": "eq(any).{1,4}"}, [1, 4]),
    ({"id": "not.eq(any).{1,4}"}, [2, 3]),
    ({"id": "gt(all).{1,2}"}, [3, 4]),
    ({"published": "gte.1970-01-01"}, [2]),
    ({"or": "(id.eq.1,id.eq.4)"}, [1, 4]),
    ({"or": "(pages.gt.300,and(author_id.eq.2,title.eq.Solaris))"}, [2, 3]),
    ({"not.or": "(id.eq.1,id.eq.4)"}, [2, 3]),
    ({"and": "(id.gt.1,or(id.eq.2,id.eq.3),not.and(id.eq.3,pages.eq.204))"}, [2]),
    ({"or": '(title.eq."Invisible Cities",title.in.("Solaris","x,y"))'}, [3, 4]),
    ({"or": "(meta->>lang.eq.pl,price.is.null)"}, [3]),
    ({"id": "not.in.(1,2,3)"}, [4]),
])
async def test_filter_operators(anon, params, expected):
    assert await ids(anon, **params) == expected


async def test_repeated_filters_are_anded(anon):
    r = await get(anon, BOOKS + "?select=id&id=gt.1&id=lt.4&order=id")
    assert [row["id"] for row in r.json()] == [2, 3]


async def test_boolean_is_filters(user_a, service):
    await service.post("/rest/v1/notes", json=[{"owner": "00000000-0000-0000-0000-00000000000a", "body": "x",
                                                "secret": True}])
    r = await get(user_a, "/rest/v1/notes", {"secret": "is.true", "select": "body"})
    assert r.json() == [{"body": "x"}]
    assert (await get(user_a, "/rest/v1/notes", {"secret": "is.false"})).json() == []
    assert (await get(user_a, "/rest/v1/notes", {"secret": "is.unknown"})).json() == []


async def test_order(anon):
    assert await ids(anon, order="pages.desc") == [2, 3, 1, 4]
    assert await ids(anon, order="price.desc.nullslast") == [2, 1, 4, 3]
    assert await ids(anon, order="price.asc.nullsfirst") == [3, 4, 1, 2]
    assert await ids(anon, order="author_id.desc,pages.asc") == [4, 3, 1, 2]
    assert await ids(anon, order="meta->>lang.desc,id") == [3, 4, 1, 2]


async def test_limit_offset_and_content_range(anon):
    r = await get(anon, BOOKS, {"select": "id", "order": "id", "limit": 2, "offset": 1})
    assert r.json() == [{"id": 2}, {"id": 3}]
    assert r.headers["content-range"] == "1-2/*"


async def test_exact_count_gives_206_for_a_partial_page(anon):
    r = await get(anon, BOOKS, {"select": "id", "order": "id", "limit": 2}, {"Prefer": "count=exact"}, status=206)
    assert r.headers["content-range"] == "0-1/4"
    full = await get(anon, BOOKS, {"select": "id"}, {"Prefer": "count=exact"})
    assert full.headers["content-range"] == "0-3/4"
    estimated = await get(anon, BOOKS, {"select": "id", "pages": "gt.190"}, {"Prefer": "count=estimated"})
    assert estimated.headers["content-range"] == "0-1/2"


async def test_planned_count_is_the_planner_estimate(anon, admin):
    await admin.execute("insert into authors (name) select 'a' || g from generate_series(1, 500) g; analyze authors")
    r = await get(anon, "/rest/v1/authors", {"select": "id", "limit": 10}, {"Prefer": "count=planned"}, status=206)
    total = int(r.headers["content-range"].split("/")[1])
    assert 400 <= total <= 600 and r.headers["preference-applied"] == "count=planned"
    short = await get(anon, "/rest/v1/authors", {"select": "id", "limit": 10, "offset": 500},
                      {"Prefer": "count=estimated"}, status=206)
    assert short.headers["content-range"] == "500-502/503"


async def test_range_header(anon):
    r = await get(anon, BOOKS, {"select": "id", "order": "id"}, {"Range": "1-2", "Range-Unit": "items"})
    assert r.json() == [{"id": 2}, {"id": 3}] and r.headers["content-range"] == "1-2/*"


async def test_out_of_range_is_416(anon):
    r = await get(anon, BOOKS, {"offset": 10}, {"Prefer": "count=exact"}, status=416)
    assert r.json()["code"] == "PGRST103"
    assert r.headers["content-range"] == "*/4"
    bad = await get(anon, BOOKS, None, {"Range": "5-2"}, status=416)
    assert bad.json()["code"] == "PGRST103"


async def test_empty_result(anon):
    r = await get(anon, BOOKS, {"id": "eq.999"}, {"Prefer": "count=exact"})
    assert r.json() == [] and r.headers["content-range"] == "*/0"


async def test_head_has_no_body_but_a_count(anon):
    r = await anon.head(BOOKS, headers={"Prefer": "count=exact"})
    assert r.status_code == 200 and r.content == b"" and r.headers["content-range"] == "0-3/4"


async def test_single_object(anon):
    accept = {"Accept": "application/vnd.pgrst.object+json"}
    r = await get(anon, BOOKS, {"select": "id,title", "id": "eq.3"}, accept)
    assert r.json() == {"id": 3, "title": "Solaris"}
    assert r.headers["content-type"].startswith("application/vnd.pgrst.object+json")
    many = await get(anon, BOOKS, {"select": "id"}, accept, status=406)
    assert many.json() == {"code": "PGRST116", "message": "JSON object requested, multiple (or no) rows returned",
                           "details": "The result contains 4 rows", "hint": None}
    none = await get(anon, BOOKS, {"id": "eq.99"}, accept, status=406)
    assert none.json()["details"] == "The result contains 0 rows"


async def test_nulls_stripped(anon):
    r = await get(anon, BOOKS, {"select": "id,price", "id": "eq.3"},
                  {"Accept": "application/vnd.pgrst.object+json;nulls=stripped"})
    assert r.json() == {"id": 3}


async def test_csv_output(anon):
    r = await get(anon, BOOKS, {"select": "id,title,price", "order": "id", "limit": 3}, {"Accept": "text/csv"})
    assert r.headers["content-type"].startswith("text/csv")
    assert r.text == 'id,title,price\n1,A Wizard of Earthsea,9.99\n2,The Dispossessed,12.50\n3,Solaris,'
    quoted = await get(anon, "/rest/v1/authors", {"select": "name", "id": "eq.1"}, {"Accept": "text/csv"})
    assert quoted.text == "name\nUrsula"


async def test_max_rows_caps_the_page(rest_stack, anon):
    import dataclasses
    service = rest_stack.services["rest"].app
    service.config = dataclasses.replace(service.config, max_rows=2)
    r = await get(anon, BOOKS, {"select": "id", "order": "id"}, {"Prefer": "count=exact"}, status=206)
    assert r.json() == [{"id": 1}, {"id": 2}] and r.headers["content-range"] == "0-1/4"


async def test_accept_profile_must_be_an_exposed_schema(anon):
    r = await get(anon, BOOKS, None, {"Accept-Profile": "auth"}, status=406)
    assert r.json()["code"] == "PGRST106"
    assert r.json()["message"] == "The schema must be one of the following: public, helpdesk"  # the defaults
    ok = await get(anon, BOOKS, {"select": "id", "limit": 1}, {"Accept-Profile": "public"})
    assert ok.json() == [{"id": 1}]


async def test_unsupported_accept_is_406(anon):
    r = await get(anon, BOOKS, None, {"Accept": "application/xml"}, status=406)
    assert r.json()["code"] == "PGRST107"


async def test_plan_is_off_unless_enabled(rest_stack, anon):
    r = await get(anon, BOOKS, None, {"Accept": "application/vnd.pgrst.plan+json"}, status=406)
    assert r.json()["code"] == "PGRST107"
    import dataclasses
    service = rest_stack.services["rest"].app
    service.config = dataclasses.replace(service.config, plan_enabled=True)
    r = await get(anon, BOOKS, {"id": "eq.1"}, {"Accept": "application/vnd.pgrst.plan+json"})
    assert "Plan" in r.json()[0]
    text = await get(anon, BOOKS, None, {"Accept": "application/vnd.pgrst.plan+text"})
    assert "Scan" in text.text
