"""/pg/table-privileges and /pg/column-privileges: reads in postgres-meta's shapes, grants and revokes
that PostgreSQL itself then reports, and bad input refused in the validator's words."""
from __future__ import annotations

import uuid


async def new_role(admin, prefix: str) -> str:
    """Roles are cluster-wide, so each test makes its own uniquely named one."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    await admin.execute(f"create role {name} nologin")
    return name


async def get(meta, path: str):
    response = await meta.get(path)
    assert response.status_code == 200, response.text
    return response.json()


def entry(privileges: list[dict], grantee: str, kind: str) -> dict | None:
    return next((p for p in privileges if p["grantee"] == grantee and p["privilege_type"] == kind), None)


async def test_table_privileges_read(meta, admin):
    rows = await get(meta, "/pg/table-privileges?included_schemas=public")
    names = [r["name"] for r in rows]
    assert names == sorted(names) and "books" in names and "author_names" in names
    books = next(r for r in rows if r["name"] == "books")
    assert list(books) == ["relation_id", "schema", "name", "kind", "privileges"]
    assert books["kind"] == "table" and books["schema"] == "public"
    assert books["relation_id"] == await admin.fetchval("select 'public.books'::regclass::oid::int8")
    assert list(books["privileges"][0]) == ["grantor", "grantee", "privilege_type", "is_grantable"]
    owner = await admin.fetchval("select relowner::regrole::text from pg_class where oid = 'public.books'::regclass")
    assert entry(books["privileges"], owner, "SELECT") is not None
    assert {r["kind"] for r in rows} >= {"table", "view", "materialized_view"}
    # Schema filters and paging as everywhere else.
    assert all(r["schema"] == "inventory" for r in await get(meta, "/pg/table-privileges?included_schemas=inventory"))
    assert len(await get(meta, "/pg/table-privileges?included_schemas=public&limit=2")) == 2
    assert not any(r["schema"] == "pg_catalog" for r in await get(meta, "/pg/table-privileges"))


async def test_table_grant_and_revoke(meta, admin):
    meta_reader = await new_role(admin, "meta_reader")
    books = await admin.fetchval("select 'public.books'::regclass::oid::int8")
    response = await meta.post("/pg/table-privileges", json=[
        {"relation_id": books, "grantee": meta_reader, "privilege_type": "SELECT", "is_grantable": True},
        {"relation_id": books, "grantee": "PUBLIC", "privilege_type": "TRUNCATE"}])
    assert response.status_code == 200, response.text
    [answer] = response.json()
    assert answer["name"] == "books"
    assert entry(answer["privileges"], meta_reader, "SELECT")["is_grantable"] is True
    assert entry(answer["privileges"], "PUBLIC", "TRUNCATE")["is_grantable"] is False
    assert await admin.fetchval("select has_table_privilege($1, 'public.books', 'SELECT')", meta_reader)
    response = await meta.request("DELETE", "/pg/table-privileges", json=[
        {"relation_id": books, "grantee": meta_reader, "privilege_type": "ALL"},
        {"relation_id": books, "grantee": "public", "privilege_type": "TRUNCATE"}])
    assert response.status_code == 200, response.text
    privileges = response.json()[0]["privileges"]
    assert entry(privileges, meta_reader, "SELECT") is None and entry(privileges, "PUBLIC", "TRUNCATE") is None
    assert not await admin.fetchval("select has_table_privilege($1, 'public.books', 'SELECT')", meta_reader)


async def test_column_privileges_read_grant_revoke(meta, admin):
    meta_clerk = await new_role(admin, "meta_clerk")
    rows = await get(meta, "/pg/column-privileges?included_schemas=inventory")
    assert [r["column_name"] for r in rows] == ["id", "tag", "state", "cost", "owner_id"]  # column order
    tag = rows[1]
    assert list(tag) == ["column_id", "relation_schema", "relation_name", "column_name", "privileges"]
    relid = await admin.fetchval("select 'inventory.assets'::regclass::oid::int8")
    assert tag["column_id"] == f"{relid}.2" and tag["relation_name"] == "assets"
    # Only INSERT/SELECT/UPDATE/REFERENCES apply to columns.
    assert {p["privilege_type"] for p in tag["privileges"]} <= {"INSERT", "SELECT", "UPDATE", "REFERENCES"}

    response = await meta.post("/pg/column-privileges", json=[
        {"column_id": tag["column_id"], "grantee": meta_clerk, "privilege_type": "UPDATE"}])
    assert response.status_code == 200, response.text
    [answer] = response.json()
    assert answer["column_id"] == tag["column_id"]
    assert entry(answer["privileges"], meta_clerk, "UPDATE") == {
        "grantor": entry(answer["privileges"], meta_clerk, "UPDATE")["grantor"], "grantee": meta_clerk,
        "privilege_type": "UPDATE", "is_grantable": False}
    assert await admin.fetchval("select has_column_privilege($1, 'inventory.assets', 'tag', 'UPDATE')", meta_clerk)
    assert not await admin.fetchval("select has_column_privilege($1, 'inventory.assets', 'cost', 'UPDATE')", meta_clerk)
    # A table-wide grant shows on every column.
    await admin.execute(f"grant select on inventory.assets to {meta_clerk}")
    every = await get(meta, "/pg/column-privileges?included_schemas=inventory")
    assert all(entry(r["privileges"], meta_clerk, "SELECT") for r in every)

    response = await meta.request("DELETE", "/pg/column-privileges", json=[
        {"column_id": tag["column_id"], "grantee": meta_clerk, "privilege_type": "UPDATE"}])
    assert response.status_code == 200, response.text
    assert entry(response.json()[0]["privileges"], meta_clerk, "UPDATE") is None


async def test_bad_privilege_bodies(meta, admin):
    books = await admin.fetchval("select 'public.books'::regclass::oid::int8")
    cases = [
        ("/pg/table-privileges", {"relation_id": books}, 400, "body must be array"),
        ("/pg/table-privileges", [{"grantee": "anon", "privilege_type": "SELECT"}], 400,
         "body/0 must have required property 'relation_id'"),
        ("/pg/table-privileges", [{"relation_id": books, "grantee": "anon", "privilege_type": "DROP"}], 400,
         "body/0/privilege_type must be equal to one of the allowed values"),
        ("/pg/table-privileges", [{"relation_id": 1, "grantee": "anon", "privilege_type": "SELECT"}], 404,
         "Cannot find a relation with ID 1"),
        ("/pg/table-privileges", [{"relation_id": books, "grantee": "nobody here", "privilege_type": "SELECT"}], 400,
         'role "nobody here" does not exist'),
        ("/pg/column-privileges", [{"column_id": "12", "grantee": "anon", "privilege_type": "SELECT"}], 400,
         "body/0/column_id must match pattern"),
        ("/pg/column-privileges", [{"column_id": f"{books}.99", "grantee": "anon", "privilege_type": "SELECT"}], 404,
         f"Cannot find a column with ID {books}.99"),
        ("/pg/column-privileges", [{"column_id": f"{books}.1", "grantee": "anon", "privilege_type": "DELETE"}], 400,
         "body/0/privilege_type must be equal to one of the allowed values"),
    ]
    for path, body, status, message in cases:
        response = await meta.post(path, json=body)
        assert response.status_code == status, (body, response.text)
        assert message in response.json()["error"], response.text
    # A failing item leaves the earlier ones unapplied.
    meta_none = await new_role(admin, "meta_none")
    response = await meta.post("/pg/table-privileges", json=[
        {"relation_id": books, "grantee": meta_none, "privilege_type": "TRUNCATE"},
        {"relation_id": books, "grantee": "nobody here", "privilege_type": "SELECT"}])
    assert response.status_code == 400
    assert not await admin.fetchval("select has_table_privilege($1, 'public.books', 'TRUNCATE')", meta_none)


async def test_anon_cannot_read_privileges(client):
    for path in ("/pg/table-privileges", "/pg/column-privileges"):
        assert (await client.get(path)).status_code == 403
