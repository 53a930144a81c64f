"""Views inherit their tables' keys: relationships (see also test_supabase_py) and primary keys."""
from __future__ import annotations

import asyncio

from oricol.catalogue import view_keys


async def _wait_for(client, path: str) -> None:
    for _ in range(100):
        if (await client.get(path, params={"limit": "0"})).status_code == 200:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{path} never appeared in the schema cache")


async def test_a_view_showing_the_primary_key_gets_it_for_location_and_upserts(admin, service):
    await admin.execute("create view public.writers as select id as writer_id, name from public.authors")
    await _wait_for(service, "/rest/v1/writers")
    r = await service.post("/rest/v1/writers", json={"name": "Lem"}, headers={"Prefer": "return=headers-only"})
    assert r.status_code == 201 and r.headers["location"] == "/writers?writer_id=eq.101"
    r = await service.post("/rest/v1/writers?select=writer_id,name",
                           json=[{"writer_id": 1, "name": "U. K. Le Guin"}, {"writer_id": 60, "name": "New"}],
                           headers={"Prefer": "resolution=merge-duplicates,return=representation"})
    assert r.status_code == 201, r.text
    assert r.json() == [{"writer_id": 1, "name": "U. K. Le Guin"}, {"writer_id": 60, "name": "New"}]


async def test_views_on_views_and_junction_views(admin, anon):
    """A view over a junction that keeps both keys (its inferred primary key) is a junction too, and
    many-to-many reaches views of the other ends."""
    await admin.execute("""
        create view public.shelf as select title as book_title, id from public.books;
        create view public.shelf_top as select id as book, book_title from public.shelf;
        create view public.tagging as select label_id, book_id from public.book_labels;
        grant select on public.shelf, public.shelf_top, public.tagging to anon""")
    await _wait_for(anon, "/rest/v1/shelf_top")
    r = await anon.get("/rest/v1/shelf_top", params={"select": "book_title,labels!book_labels(name)", "book": "in.(1,3)",
                                                     "order": "book"})
    assert r.status_code == 200, r.text
    assert r.json() == [{"book_title": "A Wizard of Earthsea", "labels": [{"name": "favourite"}, {"name": "reread"}]},
                        {"book_title": "Solaris", "labels": [{"name": "favourite"}]}]
    r = await anon.get("/rest/v1/labels", params={"select": "name,shelf_top!tagging(book)", "id": "eq.1"})
    assert r.json() == [{"name": "favourite", "shelf_top": [{"book": 1}, {"book": 3}]}]
    r = await anon.get("/rest/v1/labels", params={"select": "name,shelf_top(book)", "id": "eq.1"})
    assert r.status_code == 300
    assert r.json() == {
        "code": "PGRST201",
        "message": "Could not embed because more than one relationship was found for 'labels' and 'shelf_top'",
        "details": [{"cardinality": "many-to-many", "embedding": "labels with shelf_top",
                     "relationship": "book_labels using book_labels_label_id_fkey(label_id) and "
                                     "book_labels_book_id_fkey(book_id)"},
                    {"cardinality": "many-to-many", "embedding": "labels with shelf_top",
                     "relationship": "tagging using book_labels_label_id_fkey(label_id) and "
                                     "book_labels_book_id_fkey(book_id)"}],
        "hint": "Try changing 'shelf_top' to one of the following: 'shelf_top!book_labels', 'shelf_top!tagging'. "
                "Find the desired relationship in the 'details' key."}


def test_node_tree_reader_follows_target_entries():
    tree = ("({QUERY :commandType 1 :targetList ({TARGETENTRY :expr {VAR :varno 1 :varattno 2} :resno 1 "
            ":resname a\\ b :resorigtbl 16384 :resorigcol 2 :resjunk false} {TARGETENTRY :expr {CONST "
            ":consttype 23 :constvalue 4 [ 1 0 0 0 0 0 0 0 ]} :resno 2 :resname c :resorigtbl 0 :resorigcol 0 "
            ":resjunk false}) :sortClause <> :groupClause ()})")
    assert view_keys.column_origins(tree) == {1: (16384, 2)}
