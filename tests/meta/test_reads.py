"""Read endpoints of /pg answer postgres-meta's shapes on a known schema, through the gateway."""
from __future__ import annotations

COLUMN_KEYS = ["table_id", "schema", "table", "id", "ordinal_position", "name", "default_value", "data_type",
               "format", "is_identity", "identity_generation", "is_generated", "is_nullable", "is_updatable",
               "is_unique", "check", "enums", "comment"]
TABLE_KEYS = ["id", "schema", "name", "rls_enabled", "rls_forced", "replica_identity", "bytes", "size",
              "live_rows_estimate", "dead_rows_estimate", "comment", "primary_keys", "relationships", "columns"]


async def get(meta, path: str, status: int = 200):
    response = await meta.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


async def test_anon_key_is_refused(client):
    for path in ("/pg/tables", "/pg/schemas", "/pg/config/version"):
        response = await client.get(path)
        assert response.status_code == 403
    response = await client.post("/pg/query", json={"query": "select 1"})
    assert response.status_code == 403


async def test_version_and_root(meta):
    version = await get(meta, "/pg/config/version")
    assert list(version) == ["version", "version_number", "active_connections", "max_connections"]
    assert version["version"].startswith("PostgreSQL") and version["version_number"] >= 150000
    assert (await get(meta, "/pg/"))["name"] == "@supabase/postgres-meta"


async def test_tables_with_columns_keys_and_relationships(meta):
    tables = await get(meta, "/pg/tables?included_schemas=inventory")
    assert [t["name"] for t in tables] == ["assets"]
    assets = tables[0]
    assert list(assets) == TABLE_KEYS
    assert assets["comment"] == "IT assets" and assets["replica_identity"] == "DEFAULT"
    assert assets["primary_keys"] == [{"schema": "inventory", "table_name": "assets", "name": "id",
                                       "table_id": assets["id"]}]
    [fk] = assets["relationships"]
    assert {k: fk[k] for k in fk if k != "id"} == {
        "constraint_name": "assets_owner_id_fkey", "source_schema": "inventory", "source_table_name": "assets",
        "source_column_name": "owner_id", "target_table_schema": "public", "target_table_name": "authors",
        "target_column_name": "id"}
    columns = {c["name"]: c for c in assets["columns"]}
    assert list(columns) == ["id", "tag", "state", "cost", "owner_id"]
    assert all(list(c) == COLUMN_KEYS for c in columns.values())
    assert columns["id"]["id"] == f"{assets['id']}.1" and columns["id"]["default_value"] == "gen_random_uuid()"
    assert columns["tag"]["is_unique"] and columns["tag"]["comment"] == "asset tag"
    assert not columns["tag"]["is_nullable"]
    assert (columns["state"]["data_type"], columns["state"]["format"]) == ("USER-DEFINED", "condition")
    assert columns["state"]["enums"] == ["new", "used", "broken"]
    assert columns["cost"]["check"] == "cost >= 0::numeric"
    assert (columns["owner_id"]["data_type"], columns["owner_id"]["format"]) == ("bigint", "int8")

    one = await get(meta, f"/pg/tables/{assets['id']}")
    assert one == assets | {"live_rows_estimate": one["live_rows_estimate"]}
    # authors is referenced from books and inventory.assets: both show on it
    authors = [t for t in await get(meta, "/pg/tables?included_schemas=public") if t["name"] == "authors"][0]
    assert {r["source_table_name"] for r in authors["relationships"]} >= {"books", "assets", "author_profiles"}


async def test_table_filters_and_pagination(meta):
    public = await get(meta, "/pg/tables?included_schemas=public&include_columns=false")
    names = [t["name"] for t in public]
    assert names == sorted(names) and "books" in names and "columns" not in public[0]
    page = await get(meta, "/pg/tables?included_schemas=public&include_columns=false&limit=2&offset=1")
    assert [t["name"] for t in page] == names[1:3]
    everything = await get(meta, "/pg/tables?include_columns=false")
    assert {"public", "inventory", "auth", "storage"} <= {t["schema"] for t in everything}
    assert "pg_catalog" not in {t["schema"] for t in everything}
    with_system = await get(meta, "/pg/tables?include_columns=false&include_system_schemas=true")
    assert "pg_catalog" in {t["schema"] for t in with_system}
    without = await get(meta, "/pg/tables?include_columns=false&excluded_schemas=auth,storage")
    assert {t["schema"] for t in without}.isdisjoint({"auth", "storage", "pg_catalog"})
    assert (await get(meta, "/pg/tables?limit=x", 400)) == {"error": "querystring/limit must be integer"}
    assert (await get(meta, "/pg/tables?include_columns=maybe", 400)) == {
        "error": "querystring/include_columns must be boolean"}


async def test_not_found_shapes(meta):
    assert await get(meta, "/pg/tables/1", 404) == {"error": "Cannot find a table with ID 1"}
    assert await get(meta, "/pg/columns/1.1", 404) == {"error": "Cannot find a column with ID 1.1"}
    assert await get(meta, "/pg/policies/1", 404) == {"error": "Cannot find a policy with ID 1"}
    assert await get(meta, "/pg/extensions/nope", 404) == {"error": "Cannot find an extension named nope"}
    assert await get(meta, "/pg/no/such/route", 404) == {"error": "Not found"}


async def test_columns_schemas_views_materialized_views(meta):
    columns = await get(meta, "/pg/columns?included_schemas=inventory&limit=2")
    assert [c["name"] for c in columns] == ["id", "tag"] and list(columns[0]) == COLUMN_KEYS
    single = await get(meta, f"/pg/columns/{columns[1]['id']}")
    assert single == columns[1]

    schemas = await get(meta, "/pg/schemas")
    assert {"public", "inventory", "auth"} <= {s["name"] for s in schemas}
    assert not {"pg_catalog", "information_schema", "pg_toast"} & {s["name"] for s in schemas}
    assert list(schemas[0]) == ["id", "name", "owner"]
    inventory = [s for s in schemas if s["name"] == "inventory"][0]
    assert await get(meta, f"/pg/schemas/{inventory['id']}") == inventory
    assert [s["name"] for s in await get(meta, "/pg/schemas?included_schemas=public,inventory")] == [
        "inventory", "public"]

    [view] = await get(meta, "/pg/views?included_schemas=public")
    assert (view["name"], view["is_updatable"]) == ("author_names", True)
    assert [c["name"] for c in view["columns"]] == ["id", "name"]
    assert await get(meta, f"/pg/views/{view['id']}") == view
    [matview] = await get(meta, "/pg/materialized-views")
    assert list(matview) == ["id", "schema", "name", "is_populated", "comment"]  # columns only on request
    [matview] = await get(meta, "/pg/materialized-views?include_columns=true")
    assert [c["name"] for c in matview["columns"]] == ["author_id", "n"]
    assert await get(meta, "/pg/foreign-tables") == []


async def test_functions_triggers_policies(meta):
    functions = await get(meta, "/pg/functions?included_schemas=public")
    add = [f for f in functions if f["name"] == "add_them" and f["identity_argument_types"] == "a integer, b integer"][0]
    assert add["args"] == [{"mode": "in", "name": "a", "type_id": 23, "has_default": False},
                           {"mode": "in", "name": "b", "type_id": 23, "has_default": False}]
    assert (add["return_type"], add["behavior"], add["language"]) == ("integer", "IMMUTABLE", "sql")
    assert add["complete_statement"].startswith("CREATE OR REPLACE FUNCTION public.add_them")
    books_by = [f for f in functions if f["name"] == "books_by"][0]
    assert books_by["is_set_returning_function"] and books_by["return_type_relation_id"]
    assert await get(meta, f"/pg/functions/{add['id']}") == add


async def test_output_arguments_have_no_default(meta, admin):
    await admin.execute("create function public.split_it(a int, b int default 2, out lo int, out hi int) "
                        "language sql as $$ select a, b $$")
    functions = await get(meta, "/pg/functions?included_schemas=public")
    [split] = [f for f in functions if f["name"] == "split_it"]
    assert [(a["mode"], a["name"], a["has_default"]) for a in split["args"]] == [
        ("in", "a", False), ("in", "b", True), ("out", "lo", None), ("out", "hi", None)]

    [trigger] = await get(meta, "/pg/triggers?included_schemas=public")
    assert {k: trigger[k] for k in ("name", "table", "schema", "condition", "orientation", "activation", "events",
                                    "function_name", "function_schema", "function_args", "enabled_mode")} == {
        "name": "books_touch", "table": "books", "schema": "public", "condition": "(new.title IS NOT NULL)",
        "orientation": "ROW", "activation": "BEFORE", "events": ["INSERT", "UPDATE"], "function_name": "touch",
        "function_schema": "public", "function_args": ["a", "b"], "enabled_mode": "ORIGIN"}

    policies = await get(meta, "/pg/policies?included_schemas=public")
    notes = [p for p in policies if p["name"] == "notes_own"][0]
    assert notes == {"id": notes["id"], "schema": "public", "table": "notes", "table_id": notes["table_id"],
                     "name": "notes_own", "action": "PERMISSIVE", "roles": ["authenticated"], "command": "ALL",
                     "definition": "(owner = auth.uid())", "check": "(owner = auth.uid())"}
    assert [p for p in policies if p["name"] == "authors_read"][0]["roles"] == ["public"]
    assert await get(meta, f"/pg/policies/{notes['id']}") == notes


async def test_roles_extensions_publications_types_indexes_config(meta):
    roles = {r["name"]: r for r in await get(meta, "/pg/roles")}
    assert {"anon", "authenticated", "service_role", "postgres"} <= set(roles)
    assert not any(name.startswith("pg_") for name in roles)
    assert roles["service_role"]["can_bypass_rls"] and roles["anon"]["config"] == {"statement_timeout": "3s"}
    assert roles["anon"]["password"] == "********"
    assert any(n.startswith("pg_") for n in (r["name"] for r in await get(meta, "/pg/roles?include_default_roles=true")))
    assert await get(meta, f"/pg/roles/{roles['anon']['id']}") == roles["anon"]

    extensions = await get(meta, "/pg/extensions")
    plpgsql = [e for e in extensions if e["name"] == "plpgsql"][0]
    assert plpgsql["installed_version"] and plpgsql["schema"] == "pg_catalog"
    assert await get(meta, "/pg/extensions/plpgsql") == plpgsql
    assert len(await get(meta, "/pg/extensions?limit=3")) == 3

    publications = {p["name"]: p for p in await get(meta, "/pg/publications")}
    assert publications["meta_test_pub"]["tables"] == [
        {"id": publications["meta_test_pub"]["tables"][0]["id"], "name": "books", "schema": "public"}]

    types = await get(meta, "/pg/types?included_schemas=inventory")
    assert [(t["name"], t["format"], t["enums"]) for t in types] == [
        ("condition", "inventory.condition", ["new", "used", "broken"])]
    assert all(not t["name"].startswith("_") for t in await get(meta, "/pg/types"))

    indexes = await get(meta, "/pg/indexes?included_schemas=inventory")
    assert {i["index_definition"] for i in indexes} == {
        "CREATE UNIQUE INDEX assets_pkey ON inventory.assets USING btree (id)",
        "CREATE UNIQUE INDEX assets_tag_key ON inventory.assets USING btree (tag)"}
    assert await get(meta, f"/pg/indexes/{indexes[0]['id']}") == indexes[0]

    settings = await get(meta, "/pg/config?limit=5")
    assert len(settings) == 5 and {"name", "setting", "group", "subgroup"} <= set(settings[0])


async def test_health_reports_meta_up_when_its_catalogue_answers(meta, stack):
    response = await meta.get("/health")
    assert response.json()["parts"]["meta"] == "up"
    await stack.services["meta"].stop()  # its pool closed: meta cannot answer, and says so
    response = await meta.get("/health")
    assert response.status_code == 503 and response.json()["parts"]["meta"] != "up"
    await stack.services["meta"].start()
