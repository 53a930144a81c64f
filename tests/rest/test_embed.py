"""Embedding through foreign keys: to-one, to-many, one-to-one, many-to-many, hints, inner joins,
spreads, nesting, and filters, order and paging on embedded resources."""
from __future__ import annotations


async def get(client, path, params=None, status=200, headers=None):
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == status, response.text
    return response.json()


async def test_many_to_one_with_hint_by_constraint_and_by_column(anon):
    rows = await get(anon, "/rest/v1/books", {"select": "id,author:authors!books_author_fk(name),"
                                                        "editor:authors!editor_id(name)", "order": "id"})
    assert rows[0] == {"id": 1, "author": {"name": "Ursula"}, "editor": {"name": "Stanislaw"}}
    assert rows[1] == {"id": 2, "author": {"name": "Ursula"}, "editor": None}


async def test_embedding_through_the_foreign_key_column_name(anon):
    rows = await get(anon, "/rest/v1/books", {"select": "id,author_id(name)", "id": "eq.3"})
    assert rows == [{"id": 3, "author_id": {"name": "Stanislaw"}}]


async def test_ambiguous_relationship_is_pgrst201(anon):
    body = await get(anon, "/rest/v1/books", {"select": "*,authors(*)"}, status=300)
    assert body["code"] == "PGRST201"
    assert body["message"] == "Could not embed because more than one relationship was found for 'books' and 'authors'"
    assert {d["relationship"].split(" ")[0] for d in body["details"]} == {"books_author_fk", "books_editor_fk"}
    assert "authors!books_author_fk" in body["hint"]


async def test_missing_relationship_is_pgrst200(anon):
    body = await get(anon, "/rest/v1/labels", {"select": "*,authors(*)"}, status=400)
    assert body["code"] == "PGRST200"
    assert body["message"] == "Could not find a relationship between 'labels' and 'authors' in the schema cache"
    typo = await get(anon, "/rest/v1/authors", {"select": "*,author_profile(*)"}, status=400)
    assert typo["hint"] == "Perhaps you meant 'author_profiles' instead of 'author_profile'."


async def test_one_to_many_with_embedded_filter_order_and_limit(anon):
    rows = await get(anon, "/rest/v1/authors", {
        "select": "name,books!books_author_fk(id,title)", "order": "id", "id": "lte.2",
        "books.order": "id.desc", "books.limit": "1"})
    assert rows == [{"name": "Ursula", "books": [{"id": 2, "title": "The Dispossessed"}]},
                    {"name": "Stanislaw", "books": [{"id": 3, "title": "Solaris"}]}]
    filtered = await get(anon, "/rest/v1/authors", {"select": "id,books!books_author_fk(id)", "order": "id",
                                                    "books.pages": "gt.300"})
    assert filtered == [{"id": 1, "books": [{"id": 2}]}, {"id": 2, "books": []}, {"id": 3, "books": []}]


async def test_inner_embed_filters_parents(anon):
    rows = await get(anon, "/rest/v1/authors", {"select": "id,books!books_author_fk!inner(id)", "order": "id",
                                                "books.pages": "gt.300"})
    assert rows == [{"id": 1, "books": [{"id": 2}]}]
    to_one = await get(anon, "/rest/v1/books", {"select": "id,authors!books_author_fk!inner(country)",
                                                "authors.country": "eq.PL"})
    assert to_one == [{"id": 3, "authors": {"country": "PL"}}]


async def test_is_null_on_an_embed_filters_parents(anon):
    rows = await get(anon, "/rest/v1/authors", {"select": "id,author_profiles(bio)", "author_profiles": "is.null"})
    assert rows == [{"id": 3, "author_profiles": None}]
    rows = await get(anon, "/rest/v1/authors", {"select": "id,author_profiles()", "author_profiles": "not.is.null",
                                                "order": "id"})
    assert rows == [{"id": 1}, {"id": 2}]


async def test_one_to_one_is_an_object_both_ways(anon):
    rows = await get(anon, "/rest/v1/authors", {"select": "id,author_profiles(bio)", "id": "eq.1"})
    assert rows == [{"id": 1, "author_profiles": {"bio": "Earthsea"}}]
    back = await get(anon, "/rest/v1/author_profiles", {"select": "bio,authors(name)", "author_id": "eq.2"})
    assert back == [{"bio": "Solaris", "authors": {"name": "Stanislaw"}}]


async def test_many_to_many_through_a_junction(anon):
    rows = await get(anon, "/rest/v1/books", {"select": "id,labels(name)", "order": "id", "labels.order": "id"})
    assert rows == [{"id": 1, "labels": [{"name": "favourite"}, {"name": "reread"}]}, {"id": 2, "labels": []},
                    {"id": 3, "labels": [{"name": "favourite"}]}, {"id": 4, "labels": []}]
    back = await get(anon, "/rest/v1/labels", {"select": "name,books(id)", "id": "eq.1", "books.order": "id"})
    assert back == [{"name": "favourite", "books": [{"id": 1}, {"id": 3}]}]


async def test_spread_and_nested_embeds(anon):
    rows = await get(anon, "/rest/v1/books", {"select": "id,...authors!books_author_fk(author:name,country)",
                                              "id": "eq.3"})
    assert rows == [{"id": 3, "author": "Stanislaw", "country": "PL"}]
    nested = await get(anon, "/rest/v1/author_profiles", {
        "select": "bio,authors(name,books!books_author_fk(title))", "author_id": "eq.2"})
    assert nested == [{"bio": "Solaris", "authors": {"name": "Stanislaw", "books": [{"title": "Solaris"}]}}]


async def test_order_by_a_to_one_embed(anon):
    rows = await get(anon, "/rest/v1/books", {"select": "id,authors!books_author_fk(name)",
                                              "order": "authors(name).desc,id"})
    assert [r["id"] for r in rows] == [1, 2, 3, 4]
    rows = await get(anon, "/rest/v1/books", {"select": "id,authors!books_author_fk(name)",
                                              "order": "authors(name).asc,id"})
    assert [r["id"] for r in rows] == [4, 3, 1, 2]


async def test_filter_on_a_resource_not_embedded_is_pgrst108(anon):
    body = await get(anon, "/rest/v1/books", {"select": "id", "authors.name": "eq.x"}, status=400)
    assert body["code"] == "PGRST108"


async def test_count_with_inner_embed_counts_parents(anon):
    response = await anon.get("/rest/v1/authors", params={"select": "id,books!books_author_fk!inner(id)",
                                                          "books.pages": "gt.190"},
                              headers={"Prefer": "count=exact"})
    assert response.headers["content-range"] == "0-1/2"


async def test_embedding_through_a_view_that_keeps_the_key_columns(admin, anon):
    import asyncio
    await admin.execute("create view public.long_books as select id, title, author_id from public.books "
                        "where pages > 190")
    for _ in range(100):
        response = await anon.get("/rest/v1/long_books", params={"select": "title,authors(name)", "order": "id"})
        if response.status_code == 200:
            break
        await asyncio.sleep(0.05)
    assert response.json() == [{"title": "The Dispossessed", "authors": {"name": "Ursula"}},
                               {"title": "Solaris", "authors": {"name": "Stanislaw"}}]
    back = await get(anon, "/rest/v1/authors", {"select": "name,long_books(title)", "id": "eq.2"})
    assert back == [{"name": "Stanislaw", "long_books": [{"title": "Solaris"}]}]


async def test_counting_embedded_rows(anon):
    rows = await get(anon, "/rest/v1/authors", {"select": "name,books!books_author_fk(count)", "order": "id"})
    assert rows == [{"name": "Ursula", "books": [{"count": 2}]}, {"name": "Stanislaw", "books": [{"count": 1}]},
                    {"name": "Italo", "books": [{"count": 1}]}]


async def test_a_table_with_two_foreign_keys_outside_its_key_is_not_a_junction(anon):
    body = await get(anon, "/rest/v1/authors", {"select": "id,authors(id)"}, status=400)
    assert body["code"] == "PGRST200"
