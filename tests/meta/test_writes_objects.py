"""Writes on functions, triggers, roles and publications as postgres-meta takes them: each created, read
back, changed and dropped, in one transaction per request; bad input is a 400 in meta's shape and leaves
nothing behind."""
from __future__ import annotations

from tests.meta.test_writes import call


async def test_function_round_trip(meta, admin):
    created = await call(meta, "POST", "/pg/functions", json={
        "name": "add_tax", "schema": "public", "args": ["amount numeric", "rate numeric default 0.2"],
        "return_type": "numeric", "definition": "select amount * (1 + rate)", "behavior": "IMMUTABLE",
        "config_params": {"search_path": "public, extensions"}})
    assert {k: created[k] for k in ("schema", "name", "language", "definition", "return_type", "behavior",
                                    "security_definer", "config_params", "argument_types")} == {
        "schema": "public", "name": "add_tax", "language": "sql", "definition": "select amount * (1 + rate)",
        "return_type": "numeric", "behavior": "IMMUTABLE", "security_definer": False,
        "config_params": {"search_path": "public, extensions"},
        "argument_types": "amount numeric, rate numeric DEFAULT 0.2"}
    fid = created["id"]
    assert await call(meta, "GET", f"/pg/functions/{fid}") == created
    assert await admin.fetchval("select public.add_tax(10)") == 12

    changed = await call(meta, "PATCH", f"/pg/functions/{fid}", json={
        "definition": "select amount * (1 + rate) + 1", "name": "add_tax_and_fee", "schema": "inventory"})
    assert (changed["id"], changed["schema"], changed["name"], changed["definition"], changed["behavior"],
            changed["config_params"]) == (fid, "inventory", "add_tax_and_fee", "select amount * (1 + rate) + 1",
                                          "IMMUTABLE", {"search_path": "public, extensions"})
    assert await admin.fetchval("select inventory.add_tax_and_fee(10)") == 13

    # plpgsql, security definer, an overload of the same name: each answer is the function just made
    other = await call(meta, "POST", "/pg/functions", json={
        "name": "add_tax_and_fee", "schema": "inventory", "args": ["amount int"], "return_type": "int",
        "language": "plpgsql", "security_definer": True, "definition": "begin return amount; end"})
    assert (other["argument_types"], other["language"], other["security_definer"]) == ("amount integer", "plpgsql",
                                                                                        True)
    await admin.execute("create view inventory.taxed as select inventory.add_tax_and_fee(1::numeric) as v")
    error = await call(meta, "DELETE", f"/pg/functions/{fid}", 400)
    assert "depend" in error["error"]
    dropped = await call(meta, "DELETE", f"/pg/functions/{fid}?cascade=true")
    assert dropped["name"] == "add_tax_and_fee" and dropped["id"] == fid
    assert await admin.fetchval("select to_regclass('inventory.taxed')") is None
    await call(meta, "DELETE", f"/pg/functions/{other['id']}")
    assert await call(meta, "GET", f"/pg/functions/{fid}", 404) == {"error": f"Cannot find a function with ID {fid}"}


async def test_function_errors(meta, admin):
    assert await call(meta, "POST", "/pg/functions", 400, json={"name": "f"}) == {
        "error": "body must have required property 'definition'"}
    assert await call(meta, "POST", "/pg/functions", 400, json={"name": "f", "definition": "select 1",
                                                                "behavior": "SOMETIMES"}) == {
        "error": "body/behavior must be equal to one of the allowed values: IMMUTABLE, STABLE, VOLATILE"}
    error = await call(meta, "POST", "/pg/functions", 400, json={"name": "f", "definition": "select nope",
                                                                 "return_type": "int"})
    assert error == {"error": 'column "nope" does not exist'}
    # the body is a literal: quotes in it cannot end it
    made = await call(meta, "POST", "/pg/functions", json={"name": "quoted", "return_type": "text",
                                                           "definition": "select 'it''s'::text; -- '; drop table books"})
    assert await admin.fetchval("select public.quoted()") == "it's"
    assert await admin.fetchval("select to_regclass('public.books') is not null")
    # a rename onto an existing name fails and the body change of the same request is undone
    await call(meta, "POST", "/pg/functions", json={"name": "taken", "definition": "select 1"})
    error = await call(meta, "PATCH", f"/pg/functions/{made['id']}", 400, json={
        "definition": "select 'changed'::text", "name": "taken"})
    assert "already exists" in error["error"]
    assert await admin.fetchval("select public.quoted()") == "it's"
    assert await call(meta, "PATCH", "/pg/functions/1", 404, json={"name": "x"}) == {
        "error": "Cannot find a function with ID 1"}


async def test_trigger_round_trip(meta, admin):
    created = await call(meta, "POST", "/pg/triggers", json={
        "name": "books_audit", "table": "books", "schema": "public", "function_name": "touch",
        "function_schema": "public", "activation": "AFTER", "events": ["INSERT", "UPDATE OF title, pages"],
        "orientation": "ROW", "condition": "new.pages > 0", "function_args": ["it's", ""]})
    assert {k: created[k] for k in ("name", "table", "schema", "activation", "events", "orientation", "condition",
                                    "function_name", "function_schema", "function_args", "enabled_mode")} == {
        "name": "books_audit", "table": "books", "schema": "public", "activation": "AFTER",
        "events": ["INSERT", "UPDATE"], "orientation": "ROW", "condition": "(new.pages > 0)",
        "function_name": "touch", "function_schema": "public", "function_args": ["it's", ""],
        "enabled_mode": "ORIGIN"}
    tid = created["id"]
    assert "UPDATE OF title, pages" in await admin.fetchval("select pg_get_triggerdef($1)", tid)
    changed = await call(meta, "PATCH", f"/pg/triggers/{tid}", json={"name": "books_audit_2",
                                                                      "enabled_mode": "DISABLED"})
    assert (changed["name"], changed["enabled_mode"]) == ("books_audit_2", "DISABLED")
    changed = await call(meta, "PATCH", f"/pg/triggers/{tid}", json={"enabled_mode": "REPLICA"})
    assert changed["enabled_mode"] == "REPLICA"
    dropped = await call(meta, "DELETE", f"/pg/triggers/{tid}?cascade=true")
    assert dropped["name"] == "books_audit_2"
    assert await admin.fetchval("select count(*) from pg_trigger where tgname like 'books_audit%'") == 0
    await call(meta, "GET", f"/pg/triggers/{tid}", 404)


async def test_trigger_errors(meta, admin):
    base = {"name": "t", "table": "books", "function_name": "touch", "activation": "BEFORE", "events": ["INSERT"]}
    assert await call(meta, "POST", "/pg/triggers", 400, json={**base, "activation": "DURING"}) == {
        "error": "body/activation must be equal to one of the allowed values: BEFORE, AFTER, INSTEAD OF"}
    assert await call(meta, "POST", "/pg/triggers", 400, json={**base, "events": ["INSERT; drop table books"]}) == {
        "error": "body/events must be INSERT, UPDATE, UPDATE OF <columns>, DELETE or TRUNCATE"}
    assert await call(meta, "POST", "/pg/triggers", 400, json={k: v for k, v in base.items() if k != "table"}) == {
        "error": "body must have required property 'table'"}
    error = await call(meta, "POST", "/pg/triggers", 400, json={**base, "function_name": "no_such_function"})
    assert "no_such_function" in error["error"]
    existing = await admin.fetchval("select oid::int8 from pg_trigger where tgname = 'books_touch'")
    assert await call(meta, "PATCH", f"/pg/triggers/{existing}", 400, json={"enabled_mode": "SOMETIMES"}) == {
        "error": "body/enabled_mode must be equal to one of the allowed values: ORIGIN, REPLICA, ALWAYS, DISABLED"}


async def test_role_round_trip(meta, admin):
    created = await call(meta, "POST", "/pg/roles", json={
        "name": "desk reader", "password": "pa'ss word", "can_login": True, "connection_limit": 4,
        "valid_until": "2099-01-01 00:00:00+00", "member_of": ["authenticated"],
        "config": {"search_path": "public, inventory", "statement_timeout": "5s"}})
    assert {k: created[k] for k in ("name", "can_login", "is_superuser", "inherit_role", "connection_limit",
                                    "password", "config")} == {
        "name": "desk reader", "can_login": True, "is_superuser": False, "inherit_role": True,
        "connection_limit": 4, "password": "********",
        "config": {"search_path": "public, inventory", "statement_timeout": "5s"}}
    assert created["valid_until"].startswith("2099-01-01")
    assert await admin.fetchval("select pg_has_role('desk reader', 'authenticated', 'member')")
    rid = created["id"]
    changed = await call(meta, "PATCH", f"/pg/roles/{rid}", json={
        "name": "desk_reader", "can_create_db": True, "inherit_role": False, "connection_limit": -1,
        "config": [{"op": "remove", "path": "statement_timeout"},
                   {"op": "replace", "path": "search_path", "value": "inventory"}]})
    assert (changed["id"], changed["name"], changed["can_create_db"], changed["inherit_role"], changed["config"]) == (
        rid, "desk_reader", True, False, {"search_path": "inventory"})
    dropped = await call(meta, "DELETE", f"/pg/roles/{rid}")
    assert dropped["name"] == "desk_reader"
    assert await admin.fetchval("select count(*) from pg_roles where rolname like 'desk%'") == 0


async def test_role_errors(meta, admin):
    assert await call(meta, "POST", "/pg/roles", 400, json={"name": "r", "can_login": "yes"}) == {
        "error": "body/can_login must be boolean"}
    assert await call(meta, "POST", "/pg/roles", 400, json={"name": "r", "connection_limit": "4; drop"}) == {
        "error": "body/connection_limit must be integer"}
    error = await call(meta, "POST", "/pg/roles", 400, json={"name": "anon"})
    assert error == {"error": 'role "anon" already exists'}
    # a failing setting undoes the role created in the same request
    error = await call(meta, "POST", "/pg/roles", 400, json={"name": "half_made", "config": {"no_such.x y": "1"}})
    assert "invalid configuration parameter name" in error["error"]
    assert await admin.fetchval("select count(*) from pg_roles where rolname = 'half_made'") == 0
    anon = await admin.fetchval("select oid::int8 from pg_roles where rolname = 'anon'")
    assert await call(meta, "PATCH", f"/pg/roles/{anon}", 400, json={"config": [{"op": "merge", "path": "a"}]}) == {
        "error": "body/config op must be equal to one of the allowed values: add, replace, remove"}
    assert await call(meta, "DELETE", "/pg/roles/1", 404) == {"error": "Cannot find a role with ID 1"}


async def test_publication_round_trip(meta, admin):
    created = await call(meta, "POST", "/pg/publications", json={
        "name": "desk_changes", "publish_insert": True, "publish_update": True,
        "tables": ["books", "inventory.assets"]})
    assert {k: created[k] for k in ("name", "owner", "publish_insert", "publish_update", "publish_delete",
                                    "publish_truncate")} == {
        "name": "desk_changes", "owner": "postgres", "publish_insert": True, "publish_update": True,
        "publish_delete": False, "publish_truncate": False}
    assert [(t["schema"], t["name"]) for t in created["tables"]] == [("inventory", "assets"), ("public", "books")]
    pid = created["id"]
    changed = await call(meta, "PATCH", f"/pg/publications/{pid}", json={
        "tables": ["public.authors"], "publish_delete": True, "name": "desk_feed"})
    assert (changed["id"], changed["name"], [t["name"] for t in changed["tables"]], changed["publish_insert"],
            changed["publish_delete"]) == (pid, "desk_feed", ["authors"], True, True)
    # from a list to all tables: made again (a new id), settings kept
    everything = await call(meta, "PATCH", f"/pg/publications/{pid}", json={"tables": None})
    assert (everything["name"], everything["tables"], everything["publish_delete"]) == ("desk_feed", None, True)
    emptied = await call(meta, "PATCH", f"/pg/publications/{everything['id']}", json={"tables": []})
    assert emptied["tables"] == []
    dropped = await call(meta, "DELETE", f"/pg/publications/{emptied['id']}")
    assert dropped["name"] == "desk_feed"
    assert await admin.fetchval("select count(*) from pg_publication where pubname = 'desk_feed'") == 0

    all_tables = await call(meta, "POST", "/pg/publications", json={"name": "everything"})
    assert (all_tables["tables"], all_tables["publish_insert"]) == (None, False)


async def test_publication_errors(meta, admin):
    assert await call(meta, "POST", "/pg/publications", 400, json={"name": "p", "tables": "books"}) == {
        "error": "body/tables must be array of non-empty strings"}
    error = await call(meta, "POST", "/pg/publications", 400, json={"name": "p", "tables": ["no_such_table"]})
    assert error == {"error": 'relation "no_such_table" does not exist'}
    pub = await admin.fetchval("select oid::int8 from pg_publication where pubname = 'meta_test_pub'")
    # the table change would apply, the rename cannot (the name is taken): neither happens
    await admin.execute("create publication taken_name")
    error = await call(meta, "PATCH", f"/pg/publications/{pub}", 400, json={"tables": ["authors"],
                                                                            "name": "taken_name"})
    assert "already exists" in error["error"]
    tables = await call(meta, "GET", f"/pg/publications/{pub}")
    assert [t["name"] for t in tables["tables"]] == ["books"]
