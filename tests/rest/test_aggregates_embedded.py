"""Aggregates next to embedded resources, as PostgREST v12.2 groups them: by a spread embed's
columns, by a JSON embed's value, and with aggregates inside a to-one spread hoisted to the parent."""
from __future__ import annotations

from .test_embed import get


def by(key):
    return lambda row: (row[key] is None, str(row[key]))


async def test_grouped_by_the_columns_of_a_spread_embed(anon):
    rows = await get(anon, "/rest/v1/books", {"select": "pages.sum(),...authors!books_author_fk(country)"})
    assert sorted(rows, key=by("country")) == [{"sum": 204, "country": "PL"}, {"sum": 570, "country": "US"},
                                               {"sum": 165, "country": None}]


async def test_grouped_by_a_json_embed(anon):
    rows = await get(anon, "/rest/v1/books", {"select": "n:count(),author:authors!books_author_fk(name)"})
    assert sorted(rows, key=lambda r: r["author"]["name"]) == [
        {"n": 1, "author": {"name": "Italo"}}, {"n": 1, "author": {"name": "Stanislaw"}},
        {"n": 2, "author": {"name": "Ursula"}}]
    to_many = await get(anon, "/rest/v1/tickets", {"select": "count(),thread(id)", "id": "in.(3,4,5)"})
    assert sorted(to_many, key=lambda r: r["count"]) == [{"count": 1, "thread": [{"id": 4}]},
                                                        {"count": 2, "thread": []}]


async def test_aggregates_inside_a_spread_are_applied_by_the_parent(anon):
    rows = await get(anon, "/rest/v1/books", {"select": "...authors!books_author_fk(country,ids:id.count())"})
    assert sorted(rows, key=by("country")) == [{"country": "PL", "ids": 1}, {"country": "US", "ids": 2},
                                               {"country": None, "ids": 1}]
    # count() counts the parent rows that have an embedded row: books without an editor count 0.
    edited = await get(anon, "/rest/v1/books", {"select": "...authors!books_editor_fk(name,count())"})
    assert sorted(edited, key=by("name")) == [{"name": "Stanislaw", "count": 1}, {"name": "Ursula", "count": 1},
                                              {"name": None, "count": 0}]


async def test_spread_with_a_star_and_a_parent_column(anon):
    rows = await get(anon, "/rest/v1/author_profiles", {"select": "...authors(*),profiles:count()"})
    assert sorted(rows, key=by("name")) == [
        {"id": 2, "name": "Stanislaw", "country": "PL", "profiles": 1},
        {"id": 1, "name": "Ursula", "country": "US", "profiles": 1}]
