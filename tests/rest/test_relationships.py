"""Relationship resolution (PostgREST v12's findRel) on hand-made schema caches, and the golden SQL of
a computed relationship: pure functions, no database."""
from __future__ import annotations

import pytest

from oricol.rest import query, query_params
from oricol.rest.errors import ApiError
from oricol.rest.plan import plan_read, resolve_relationship, table_source
from oricol.rest.schema_cache import (
    Arg,
    Column,
    ForeignKey,
    Function,
    SchemaCache,
    Table,
    _derive_computed_relationships,
    _derive_relationships,
)
from oricol.sql import render


def table(name, *columns, kind="r", pk=("id",)):
    cols = {c: Column(c, "integer", "integer", True, None, False) for c in ("id",) + columns}
    return Table("public", name, kind, True, cols, pk, [pk] if pk else [])


def returning(name, arg_table, target, returns_set=True, rows=1000.0):
    arg = Arg("", arg_table, "i", False, 1, ("public", arg_table))
    return Function("public", name, (arg,), returns_set, f"public.{target}", "c", ("public", target), (), "s",
                    False, None, rows)


def cache() -> SchemaCache:
    c = SchemaCache(("public",))
    for t in (table("sites", "main_project_id"), table("projects"), table("jobs", "site_id", "project_id",
                                                                           pk=("site_id", "project_id")),
              table("nodes", "parent_id"), table("project_view", kind="v")):
        c.tables[("public", t.name)] = t
    c.foreign_keys += [
        ForeignKey("main_project", "public", "sites", ("main_project_id",), "public", "projects", ("id",)),
        ForeignKey("jobs_site_fk", "public", "jobs", ("site_id",), "public", "sites", ("id",)),
        ForeignKey("jobs_project_fk", "public", "jobs", ("project_id",), "public", "projects", ("id",)),
        ForeignKey("nodes_parent_fk", "public", "nodes", ("parent_id",), "public", "nodes", ("id",))]
    _derive_relationships(c)
    c.functions[("public", "first_project")] = [returning("first_project", "sites", "projects", rows=1)]
    c.functions[("public", "leaves")] = [returning("leaves", "nodes", "nodes")]
    _derive_computed_relationships(c)
    return c


def resolve(c, origin, name, hint=None):
    return resolve_relationship(c, table_source(c, "public", origin), name, hint)


def test_a_foreign_key_and_a_junction_to_the_same_table_are_ambiguous():
    with pytest.raises(ApiError) as error:
        resolve(cache(), "sites", "projects")
    assert error.value.status == 300
    assert error.value.details == [
        {"cardinality": "many-to-one", "embedding": "sites with projects",
         "relationship": "main_project using sites(main_project_id) and projects(id)"},
        {"cardinality": "many-to-many", "embedding": "sites with projects",
         "relationship": "jobs using jobs_site_fk(site_id) and jobs_project_fk(project_id)"}]
    assert error.value.hint == ("Try changing 'projects' to one of the following: 'projects!main_project', "
                                "'projects!jobs'. Find the desired relationship in the 'details' key.")


def test_hints_name_a_constraint_a_column_or_a_junction():
    c = cache()
    assert resolve(c, "sites", "projects", "main_project").cardinality == "many-to-one"
    assert resolve(c, "sites", "projects", "main_project_id").cardinality == "many-to-one"
    assert resolve(c, "sites", "projects", "jobs").cardinality == "many-to-many"
    # A junction's constraint is not a hint for the many-to-many relationship (only its table is).
    with pytest.raises(ApiError):
        resolve(c, "sites", "projects", "jobs_site_fk")


def test_a_target_may_be_a_constraint_or_a_key_column_in_either_direction():
    c = cache()
    assert resolve(c, "sites", "main_project").target == ("public", "projects")
    assert resolve(c, "sites", "main_project_id").target == ("public", "projects")
    assert resolve(c, "projects", "main_project").cardinality == "one-to-many"


def test_self_reference_directions():
    c = cache()
    assert resolve(c, "nodes", "parent_id").cardinality == "many-to-one"
    assert resolve(c, "nodes", "nodes").cardinality == "one-to-many"
    assert resolve(c, "nodes", "nodes", "parent_id").cardinality == "one-to-many"
    for name, hint in (("nodes", "nodes_parent_fk"), ("nodes_parent_fk", None), ("nodes", "id")):
        with pytest.raises(ApiError) as error:
            resolve(c, "nodes", name, hint)
        assert error.value.code == "PGRST200"


def test_computed_relationships_are_named_by_their_function_and_ignore_hints():
    c = cache()
    first = resolve(c, "sites", "first_project", "anything")
    assert (first.function, first.to_one, first.target) == (("public", "first_project"), True, ("public", "projects"))
    leaves = resolve(c, "nodes", "leaves")
    assert (leaves.to_one, leaves.is_self) == (False, True)


def test_a_function_named_like_the_target_replaces_its_foreign_key_relationships():
    c = cache()
    c.functions[("public", "projects")] = [returning("projects", "sites", "projects", returns_set=False)]
    _derive_computed_relationships(c)
    rel = resolve(c, "sites", "projects")
    assert rel.function == ("public", "projects") and rel.to_one


def test_no_suggestion_repeats_the_name_asked_for():
    with pytest.raises(ApiError) as error:
        resolve(cache(), "nodes", "nodes", "nope")
    assert error.value.hint is None
    with pytest.raises(ApiError) as error:
        resolve(cache(), "project_view", "sites")
    assert error.value.hint == "Perhaps you meant 'projects' instead of 'project_view'."


def test_golden_sql_of_a_computed_embed():
    c = cache()
    node = plan_read(c, table_source(c, "public", "sites"),
                     query_params.parse([("select", "id,first:first_project(id)"), ("first.id", "gt.1")]))
    text, params = render(query.node_sql(node, query.from_source(node)))
    assert text == ('select "sites"."id" as "id", "pgrst_1".body as "first" from "public"."sites" as "sites" '
                    'left join lateral (select row_to_json("pgrst_1_x") as body from (select "pgrst_1"."id" as "id" '
                    'from "public"."first_project"("sites"::"public"."sites") as "pgrst_1" '
                    'where "pgrst_1"."id" > $1::text::integer) as "pgrst_1_x") as "pgrst_1" on true')
    assert params == ["1"]
