"""Writes: POST (single, bulk, columns=, missing=default, CSV), upserts, PUT, PATCH and DELETE with
filters and limits, return preferences, max-affected, tx=rollback and the Location header."""
from __future__ import annotations

REP = {"Prefer": "return=representation"}


async def rows(admin_or_client, sql):
    return [dict(r) for r in await admin_or_client.fetch(sql)]


async def test_post_one_returns_201_and_minimal_by_default(service, admin):
    r = await service.post("/rest/v1/authors", json={"name": "Le Guin", "country": "US"})
    assert r.status_code == 201 and r.content == b""
    assert await admin.fetchval("select country from authors where name = 'Le Guin'") == "US"


async def test_post_representation_with_select(service):
    r = await service.post("/rest/v1/books?select=id,title,author:authors!books_author_fk(name)",
                           json={"title": "Lathe", "author_id": 1}, headers=REP)
    assert r.status_code == 201
    assert r.json() == [{"id": 101, "title": "Lathe", "author": {"name": "Ursula"}}]


async def test_post_headers_only_gives_location(service):
    r = await service.post("/rest/v1/authors", json={"name": "Lem"}, headers={"Prefer": "return=headers-only"})
    assert r.status_code == 201 and r.headers["location"] == "/authors?id=eq.101"


async def test_bulk_insert_with_columns_and_missing_default(service, admin):
    payload = [{"title": "One", "pages": 1, "extra": "ignored"}, {"title": "Two"}]
    r = await service.post("/rest/v1/books?columns=title,pages,summary&select=title,pages,summary",
                           json=payload, headers={"Prefer": "return=representation,missing=default"})
    assert r.status_code == 201, r.text
    assert r.json() == [{"title": "One", "pages": 1, "summary": "none yet"},
                        {"title": "Two", "pages": None, "summary": "none yet"}]
    assert "missing=default" in r.headers["preference-applied"]
    nulls = await service.post("/rest/v1/books?columns=title,summary&select=summary", json=[{"title": "Three"}],
                               headers=REP)
    assert nulls.json() == [{"summary": None}]


async def test_bulk_insert_needs_matching_keys(service):
    r = await service.post("/rest/v1/authors", json=[{"name": "a"}, {"name": "b", "country": "x"}])
    assert r.status_code == 400 and r.json()["code"] == "PGRST102"


async def test_unknown_column_is_pgrst204(service):
    r = await service.post("/rest/v1/authors", json={"name": "a", "nope": 1})
    assert r.status_code == 400 and r.json()["code"] == "PGRST204"
    assert r.json()["message"] == "Could not find the 'nope' column of 'authors' in the schema cache"


async def test_malformed_json_is_pgrst102(service):
    r = await service.post("/rest/v1/authors", content=b'{"name": ', headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == "PGRST102"
    assert r.json()["message"] == "Empty or invalid json"


async def test_csv_in_and_representation_out(service):
    r = await service.post("/rest/v1/authors?select=name,country", content=b"name,country\nCalvino,IT\n\"Doe, J\",NULL\n",
                           headers={"Content-Type": "text/csv", "Accept": "text/csv", **REP})
    assert r.status_code == 201, r.text
    assert r.text == 'name,country\nCalvino,IT\n"Doe, J",'


async def test_upsert_merge_and_ignore(service, admin):
    merge = await service.post("/rest/v1/authors?select=id,name", json=[{"id": 1, "name": "U. K. Le Guin"},
                                                                       {"id": 50, "name": "Fresh"}],
                               headers={"Prefer": "resolution=merge-duplicates,return=representation"})
    assert merge.status_code == 201, merge.text
    assert merge.json() == [{"id": 1, "name": "U. K. Le Guin"}, {"id": 50, "name": "Fresh"}]
    ignore = await service.post("/rest/v1/authors?select=id", json=[{"id": 2, "name": "Ignored"}, {"id": 51, "name": "N"}],
                                headers={"Prefer": "resolution=ignore-duplicates,return=representation"})
    assert ignore.json() == [{"id": 51}]
    assert await admin.fetchval("select name from authors where id = 2") == "Stanislaw"
    on_conflict = await service.post("/rest/v1/labels?on_conflict=name&select=id,name",
                                     json={"id": 9, "name": "gift"},
                                     headers={"Prefer": "resolution=merge-duplicates,return=representation"})
    assert on_conflict.json() == [{"id": 9, "name": "gift"}]


async def test_conflict_is_409(service):
    r = await service.post("/rest/v1/authors", json={"id": 1, "name": "dup"})
    assert r.status_code == 409 and r.json()["code"] == "23505"
    fk = await service.post("/rest/v1/books", json={"title": "x", "author_id": 999})
    assert fk.status_code == 409 and fk.json()["code"] == "23503"


async def test_put_upserts_one_row_by_primary_key(service, admin):
    r = await service.put("/rest/v1/labels?id=eq.7", json={"id": 7, "name": "new"}, headers=REP)
    assert r.status_code == 201 and r.json() == [{"id": 7, "name": "new"}]  # inserted: 201 since PostgREST 12
    r = await service.put("/rest/v1/labels?id=eq.7", json={"id": 7, "name": "new"}, headers=REP)
    assert r.status_code == 200 and r.json() == [{"id": 7, "name": "new"}]  # updated
    again = await service.put("/rest/v1/labels?id=eq.7", json={"id": 7, "name": "newer"})
    assert again.status_code == 204
    assert await admin.fetchval("select name from labels where id = 7") == "newer"
    mismatch = await service.put("/rest/v1/labels?id=eq.7", json={"id": 8, "name": "x"})
    assert mismatch.status_code == 400 and mismatch.json()["code"] == "PGRST115"
    no_pk = await service.put("/rest/v1/labels?name=eq.x", json={"id": 8, "name": "x"})
    assert no_pk.status_code == 405 and no_pk.json()["code"] == "PGRST105"


async def test_patch_with_filters(service, admin):
    r = await service.patch("/rest/v1/books?author_id=eq.1&select=id,pages", json={"pages": 1}, headers=REP)
    assert r.status_code == 200 and sorted(x["id"] for x in r.json()) == [1, 2]
    minimal = await service.patch("/rest/v1/books?id=eq.3", json={"pages": 2})
    assert minimal.status_code == 204
    assert await admin.fetchval("select pages from books where id = 3") == 2


async def test_patch_and_delete_with_order_and_limit(service, admin):
    r = await service.patch("/rest/v1/books?order=id.desc&limit=2", json={"summary": "last two"})
    assert r.status_code == 204
    assert [x["id"] for x in await rows(admin, "select id from books where summary = 'last two' order by id")] == [3, 4]
    d = await service.delete("/rest/v1/book_labels?order=label_id&limit=1&select=book_id,label_id",
                             headers={"Prefer": "return=representation"})
    assert d.json() == [{"book_id": 1, "label_id": 1}]


async def test_delete(service, admin):
    r = await service.delete("/rest/v1/book_labels?book_id=eq.1", headers={"Prefer": "count=exact"})
    assert r.status_code == 204 and r.headers["content-range"] == "0-1/2"
    assert await admin.fetchval("select count(*) from book_labels") == 1


async def test_max_affected_with_strict_handling_rolls_back(service, admin):
    r = await service.delete("/rest/v1/book_labels?label_id=eq.1",
                             headers={"Prefer": "handling=strict,max-affected=1"})
    assert r.status_code == 400 and r.json()["code"] == "PGRST124"
    assert await admin.fetchval("select count(*) from book_labels") == 3
    ok = await service.delete("/rest/v1/book_labels?label_id=eq.2", headers={"Prefer": "handling=strict,max-affected=1"})
    assert ok.status_code == 204


async def test_strict_handling_refuses_unknown_preferences(service):
    r = await service.get("/rest/v1/books", headers={"Prefer": "handling=strict,bogus=1"})
    assert r.status_code == 400 and r.json()["code"] == "PGRST122"
    lenient = await service.get("/rest/v1/books?select=id&limit=1", headers={"Prefer": "bogus=1"})
    assert lenient.status_code == 200


async def test_tx_rollback_answers_but_keeps_nothing(service, admin):
    r = await service.post("/rest/v1/authors?select=name", json={"name": "Ghost"},
                           headers={"Prefer": "return=representation,tx=rollback"})
    assert r.status_code == 201 and r.json() == [{"name": "Ghost"}]
    assert "tx=rollback" in r.headers["preference-applied"]
    assert await admin.fetchval("select count(*) from authors where name = 'Ghost'") == 0


async def test_single_object_write(service):
    r = await service.post("/rest/v1/authors?select=name", json={"name": "Solo"},
                           headers={"Prefer": "return=representation", "Accept": "application/vnd.pgrst.object+json"})
    assert r.status_code == 201 and r.json() == {"name": "Solo"}
    many = await service.patch("/rest/v1/authors", json={"country": "X"},
                               headers={"Prefer": "return=representation",
                                        "Accept": "application/vnd.pgrst.object+json"})
    assert many.status_code == 406 and many.json()["code"] == "PGRST116"


async def test_form_urlencoded_insert(service, admin):
    r = await service.post("/rest/v1/authors", content=b"name=Form&country=FR",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 201
    assert await admin.fetchval("select country from authors where name = 'Form'") == "FR"


async def test_bytea_as_octet_stream(service, admin):
    await admin.execute("insert into files values (1, '\\x00ff10'::bytea)")
    r = await service.get("/rest/v1/files?select=data&id=eq.1", headers={"Accept": "application/octet-stream"})
    assert r.status_code == 200 and r.content == b"\x00\xff\x10"
    assert r.headers["content-type"] == "application/octet-stream"
