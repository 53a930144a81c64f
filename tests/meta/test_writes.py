"""Writes Studio's table editor makes: create, alter and drop tables, columns, policies, schemas and
extensions, each in one transaction; bad input and refused DDL leave nothing behind."""
from __future__ import annotations


async def call(meta, method: str, path: str, status: int = 200, **kwargs):
    response = await meta.request(method, path, **kwargs)
    assert response.status_code == status, response.text
    return response.json()


async def test_table_round_trip(meta, admin):
    table = await call(meta, "POST", "/pg/tables", json={"name": "Tickets", "schema": "public", "comment": "help"})
    assert (table["schema"], table["name"], table["comment"], table["columns"]) == ("public", "Tickets", "help", [])
    tid = table["id"]
    await call(meta, "POST", "/pg/columns", json={"table_id": tid, "name": "id", "type": "int8",
                                                  "is_identity": True, "is_primary_key": True})
    await call(meta, "POST", "/pg/columns", json={"table_id": tid, "name": "code", "type": "text"})
    changed = await call(meta, "PATCH", f"/pg/tables/{tid}", json={
        "name": "tickets", "schema": "inventory", "rls_enabled": True, "replica_identity": "FULL",
        "primary_keys": [{"name": "id"}, {"name": "code"}], "comment": "desk"})
    assert (changed["schema"], changed["name"], changed["rls_enabled"], changed["replica_identity"],
            changed["comment"]) == ("inventory", "tickets", True, "FULL", "desk")
    assert [k["name"] for k in changed["primary_keys"]] == ["id", "code"]
    dropped = await call(meta, "DELETE", f"/pg/tables/{tid}")
    assert dropped["name"] == "tickets"
    assert await admin.fetchval("select to_regclass('inventory.tickets')") is None
    assert await call(meta, "DELETE", f"/pg/tables/{tid}", 404) == {"error": f"Cannot find a table with ID {tid}"}


async def test_table_errors_leave_nothing_half_applied(meta, admin):
    assert await call(meta, "POST", "/pg/tables", 400, json={}) == {
        "error": "body must have required property 'name'"}
    assert await call(meta, "POST", "/pg/tables", 400, json={"name": 5}) == {"error": "body/name must be string"}
    error = await call(meta, "POST", "/pg/tables", 400, json={"name": "books"})
    assert error == {"error": 'relation "books" already exists'}
    books = await admin.fetchval("select 'public.books'::regclass::oid::int8")
    # the comment would apply, the rename cannot (authors exists): neither happens
    error = await call(meta, "PATCH", f"/pg/tables/{books}", 400, json={"comment": "changed", "name": "authors"})
    assert error == {"error": 'relation "authors" already exists'}
    assert await admin.fetchval("select obj_description('public.books'::regclass, 'pg_class')") is None
    authors = await admin.fetchval("select 'public.authors'::regclass::oid::int8")
    error = await call(meta, "DELETE", f"/pg/tables/{authors}", 400)
    assert "depend" in error["error"]
    assert await call(meta, "PATCH", f"/pg/tables/{books}", 400, json={"replica_identity": "SOME"}) == {
        "error": "body/replica_identity must be equal to one of the allowed values: DEFAULT, INDEX, FULL, NOTHING"}


async def test_column_round_trip(meta, admin):
    table = await call(meta, "POST", "/pg/tables", json={"name": "assets_x"})
    tid = table["id"]
    column = await call(meta, "POST", "/pg/columns", json={
        "table_id": tid, "name": "state", "type": "inventory.condition", "default_value": "used",
        "is_nullable": False, "comment": "state of it", "check": "state <> 'broken'"})
    assert (column["data_type"], column["format"], column["default_value"], column["is_nullable"],
            column["comment"], column["enums"]) == ("USER-DEFINED", "condition", "'used'::inventory.condition",
                                                    False, "state of it", ["new", "used", "broken"])
    assert column["check"] == "state <> 'broken'::inventory.condition"
    price = await call(meta, "POST", "/pg/columns", json={"table_id": tid, "name": "price", "type": "numeric(8,2)",
                                                          "default_value": "0", "is_unique": True})
    assert price["is_unique"] and price["format"] == "numeric"
    assert await admin.fetchval("select format_type(atttypid, atttypmod) from pg_attribute "
                                "where attrelid = $1 and attname = 'price'", tid) == "numeric(8,2)"
    created = await call(meta, "POST", "/pg/columns", json={"table_id": tid, "name": "made", "type": "timestamptz",
                                                            "default_value": "now()",
                                                            "default_value_format": "expression"})
    assert created["default_value"] == "now()"

    changed = await call(meta, "PATCH", f"/pg/columns/{price['id']}", json={
        "name": "cost", "type": "text", "is_unique": False, "is_nullable": False, "default_value": "free",
        "comment": "what it cost", "check": "length(price) < 20"})
    assert (changed["name"], changed["data_type"], changed["is_unique"], changed["is_nullable"],
            changed["default_value"], changed["comment"], changed["check"]) == (
        "cost", "text", False, False, "'free'::text", "what it cost", "length(cost) < 20")
    changed = await call(meta, "PATCH", f"/pg/columns/{price['id']}", json={"check": None, "drop_default": True})
    assert changed["check"] is None and changed["default_value"] is None

    # a check on another column is refused, and nothing of the request stays
    error = await call(meta, "PATCH", f"/pg/columns/{price['id']}", 400, json={"comment": "x", "check": "made is not null"})
    assert error == {"error": "error creating column constraint: check condition cannot refer to other columns"}
    assert (await call(meta, "GET", f"/pg/columns/{price['id']}"))["comment"] == "what it cost"

    dropped = await call(meta, "DELETE", f"/pg/columns/{price['id']}")
    assert dropped["name"] == "cost"
    await call(meta, "GET", f"/pg/columns/{price['id']}", 404)


async def test_column_input_is_checked(meta):
    table = await call(meta, "POST", "/pg/tables", json={"name": "col_checks"})
    tid = table["id"]
    assert await call(meta, "POST", "/pg/columns", 400, json={"table_id": tid, "name": "a", "type": "no_such_type"}) == {
        "error": 'type "no_such_type" does not exist'}
    error = await call(meta, "POST", "/pg/columns", 400, json={"table_id": tid, "name": "a", "type": "int; drop table books"})
    assert "syntax" in error["error"] or "does not exist" in error["error"]
    error = await call(meta, "POST", "/pg/columns", 400, json={
        "table_id": tid, "name": "a", "type": "int", "default_value": "1); drop table public.books; --",
        "default_value_format": "expression"})
    assert set(error) == {"error"}
    assert await call(meta, "POST", "/pg/columns", 400, json={"table_id": tid, "name": "a", "type": "int",
                                                              "is_identity": True, "default_value": 1}) == {
        "error": "Columns cannot both be identity and have a default value"}
    assert await call(meta, "POST", "/pg/columns", 404, json={"table_id": 1, "name": "a", "type": "int"}) == {
        "error": "Cannot find a table with ID 1"}
    books = await call(meta, "GET", "/pg/tables?included_schemas=public&include_columns=false")
    assert "books" in {t["name"] for t in books}


async def test_policy_round_trip(meta, admin):
    policy = await call(meta, "POST", "/pg/policies", json={
        "name": "books by staff", "table": "books", "schema": "public", "command": "UPDATE",
        "roles": ["authenticated", "service_role"], "definition": "auth.uid() is not null", "check": "pages > 0"})
    assert {k: policy[k] for k in ("name", "table", "action", "command", "roles", "definition", "check")} == {
        "name": "books by staff", "table": "books", "action": "PERMISSIVE", "command": "UPDATE",
        "roles": ["authenticated", "service_role"], "definition": "(auth.uid() IS NOT NULL)", "check": "(pages > 0)"}
    changed = await call(meta, "PATCH", f"/pg/policies/{policy['id']}", json={
        "name": "books by anyone", "roles": ["public"], "definition": "true"})
    assert (changed["name"], changed["roles"], changed["definition"], changed["check"]) == (
        "books by anyone", ["public"], "true", "(pages > 0)")
    error = await call(meta, "PATCH", f"/pg/policies/{policy['id']}", 400, json={"name": "x", "check": "no_column > 1"})
    assert error == {"error": 'column "no_column" does not exist'}
    assert (await call(meta, "GET", f"/pg/policies/{policy['id']}"))["name"] == "books by anyone"
    assert await call(meta, "POST", "/pg/policies", 400, json={"name": "p", "table": "books", "command": "UPSERT"}) == {
        "error": "body/command must be equal to one of the allowed values: SELECT, INSERT, UPDATE, DELETE, ALL"}
    error = await call(meta, "POST", "/pg/policies", 400, json={"name": "p", "table": "books",
                                                                "definition": "true); drop table public.books; --"})
    assert await admin.fetchval("select to_regclass('public.books') is not null")
    dropped = await call(meta, "DELETE", f"/pg/policies/{policy['id']}")
    assert dropped["name"] == "books by anyone"
    assert await admin.fetchval("select count(*) from pg_policy where polname like 'books by%'") == 0


async def test_schema_and_extension_round_trip(meta, admin):
    schema = await call(meta, "POST", "/pg/schemas", json={"name": "support_desk"})
    assert (schema["name"], schema["owner"]) == ("support_desk", "postgres")
    changed = await call(meta, "PATCH", f"/pg/schemas/{schema['id']}", json={"name": "desk", "owner": "service_role"})
    assert (changed["name"], changed["owner"]) == ("desk", "service_role")
    await admin.execute("create table desk.t (a int)")
    error = await call(meta, "DELETE", f"/pg/schemas/{schema['id']}", 400)
    assert "depend" in error["error"]
    assert (await call(meta, "DELETE", f"/pg/schemas/{schema['id']}?cascade=true"))["name"] == "desk"
    assert await admin.fetchval("select to_regnamespace('desk')") is None

    available = {e["name"] for e in await call(meta, "GET", "/pg/extensions")}
    name = "hstore" if "hstore" in available else "plpgsql"
    if name == "hstore":
        created = await call(meta, "POST", "/pg/extensions", json={"name": "hstore", "schema": "extensions"})
        assert (created["schema"], created["installed_version"] is not None) == ("extensions", True)
        dropped = await call(meta, "DELETE", "/pg/extensions/hstore")
        assert dropped["name"] == "hstore"
        assert (await call(meta, "GET", "/pg/extensions/hstore"))["installed_version"] is None
    error = await call(meta, "POST", "/pg/extensions", 400, json={"name": "no_such_extension"})
    assert "no_such_extension" in error["error"]
