"""Listing details: v1 search, limit/offset and sort; v2 cursors; what RLS hides stays hidden."""
from __future__ import annotations

import time


def _names(entries):
    return [e["name"] for e in entries]


def test_list_v1_search_paging_and_sort(admin_storage, own_bucket):
    files = admin_storage.from_(own_bucket)
    for name in ["f/apple.txt", "f/apricot.txt", "f/banana.txt", "f/sub/x.txt", "f/Avocado.txt"]:
        files.upload(name, b"x")
        time.sleep(0.01)
    # Byte order, as Storage sorts names (COLLATE "C"): capitals first.
    assert _names(files.list("f")) == ["Avocado.txt", "apple.txt", "apricot.txt", "banana.txt", "sub"]
    assert sorted(_names(files.list("f", {"search": "ap"}))) == ["apple.txt", "apricot.txt"]
    assert sorted(_names(files.list("f", {"search": "A"}))) == ["Avocado.txt", "apple.txt", "apricot.txt"]
    page = _names(files.list("f", {"limit": 2, "offset": 1, "sortBy": {"column": "name", "order": "desc"}}))
    assert page == ["banana.txt", "apricot.txt"]
    newest_first = files.list("f", {"sortBy": {"column": "created_at", "order": "desc"}})
    files_only = [e["name"] for e in newest_first if e["id"] is not None]
    assert files_only[0] == "Avocado.txt" and files_only[-1] == "apple.txt"
    assert _names(files.list("f/sub/")) == ["x.txt"]
    assert _names(files.list("f/nothing")) == []
    assert _names(files.list("f", {"search": "%"})) == []  # LIKE wildcards are literal


def test_list_v2_flat_pages_cover_everything(admin_storage, own_bucket):
    files = admin_storage.from_(own_bucket)
    names = [f"p/{i:02d}.txt" for i in range(7)]
    for name in names:
        files.upload(name, b"x")
    seen, cursor = [], None
    while True:
        options = {"prefix": "p/", "limit": 3}
        if cursor:
            options["cursor"] = cursor
        page = files.list_v2(options)
        seen += [o.name for o in page.objects]
        if not page.hasNext:
            break
        cursor = page.nextCursor
    assert seen == names


def test_list_hides_what_policies_hide(user, own_bucket, admin_storage):
    user_id, storage = user
    admin_storage.from_(own_bucket).upload("secret-folder/a.txt", b"x")
    storage.from_(own_bucket).upload(f"{user_id}/mine.txt", b"x")
    top = _names(storage.from_(own_bucket).list())
    assert top == [user_id]
    v2 = storage.from_(own_bucket).list_v2({"with_delimiter": True})
    assert [f.name for f in v2.folders] == [user_id] and v2.objects == []
