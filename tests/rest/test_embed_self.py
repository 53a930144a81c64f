"""Embedding through a table's foreign key to itself, resolved as PostgREST v12's findRel does:
the key column names the many-to-one "parent" side (`parent_id(*)`), the table name, with the key
column as hint, names the one-to-many "children" side (`tickets!parent_id(*)`); constraint names
designate neither. Also the exact PGRST200/PGRST201 bodies."""
from __future__ import annotations

from .test_embed import get


async def test_parent_through_the_key_column(anon):
    rows = await get(anon, "/rest/v1/tickets", {"select": "id,parent:parent_id(id,title)", "id": "in.(1,2,4)",
                                                "order": "id"})
    assert rows == [{"id": 1, "parent": None}, {"id": 2, "parent": {"id": 1, "title": "Printer broken"}},
                    {"id": 4, "parent": {"id": 2, "title": "Toner empty"}}]
    unaliased = await get(anon, "/rest/v1/tickets", {"select": "id,parent_id(id)", "id": "eq.3"})
    assert unaliased == [{"id": 3, "parent_id": {"id": 1}}]


async def test_parents_recursively(anon):
    rows = await get(anon, "/rest/v1/tickets", {"select": "id,parent_id(id,parent_id(id,parent_id(id)))",
                                                "id": "eq.4"})
    assert rows == [{"id": 4, "parent_id": {"id": 2, "parent_id": {"id": 1, "parent_id": None}}}]


async def test_children_through_the_table_name_with_the_key_column_as_hint(anon):
    rows = await get(anon, "/rest/v1/tickets", {
        "select": "id,children:tickets!parent_id(id,title,children:tickets!parent_id(id))", "id": "in.(1,5)",
        "order": "id", "children.order": "id"})
    assert rows == [{"id": 1, "children": [{"id": 2, "title": "Toner empty", "children": [{"id": 4}]},
                                           {"id": 3, "title": "Paper jam", "children": []}]},
                    {"id": 5, "children": []}]


async def test_the_table_name_alone_is_the_children_side(anon):
    rows = await get(anon, "/rest/v1/tickets", {"select": "id,tickets(id)", "id": "eq.1", "tickets.order": "id.desc"})
    assert rows == [{"id": 1, "tickets": [{"id": 3}, {"id": 2}]}]


async def test_the_table_name_with_a_hint_is_always_the_children_side(anon):
    # v12 has no many-to-one reading of `tickets!parent_id`: whatever the alias, it embeds the children.
    rows = await get(anon, "/rest/v1/tickets", {"select": "id,parent:tickets!parent_id(id)", "id": "eq.2"})
    assert rows == [{"id": 2, "parent": [{"id": 4}]}]


async def test_parent_then_its_children(anon):
    rows = await get(anon, "/rest/v1/tickets", {
        "select": "id,parent_id(id,siblings:tickets!parent_id(id))", "id": "eq.2",
        "parent_id.siblings.order": "id"})
    assert rows == [{"id": 2, "parent_id": {"id": 1, "siblings": [{"id": 2}, {"id": 3}]}}]


async def test_filters_and_inner_join_on_the_children(anon):
    rows = await get(anon, "/rest/v1/tickets", {"select": "id,children:tickets!parent_id!inner(id)",
                                                "children.title": "like.Toner*", "order": "id"})
    assert rows == [{"id": 1, "children": [{"id": 2}]}, {"id": 2, "children": [{"id": 4}]}]


async def test_a_constraint_name_does_not_designate_a_self_relationship(anon):
    as_hint = await get(anon, "/rest/v1/tickets", {"select": "*,tickets!tickets_parent_id_fkey(*)"}, status=400)
    assert as_hint == {
        "code": "PGRST200",
        "details": "Searched for a foreign key relationship between 'tickets' and 'tickets' using the hint "
                   "'tickets_parent_id_fkey' in the schema 'public', but no matches were found.",
        "hint": None,
        "message": "Could not find a relationship between 'tickets' and 'tickets' in the schema cache"}
    as_target = await get(anon, "/rest/v1/tickets", {"select": "*,tickets_parent_id_fkey(*)"}, status=400)
    assert as_target["code"] == "PGRST200"
    assert as_target["details"] == ("Searched for a foreign key relationship between 'tickets' and "
                                    "'tickets_parent_id_fkey' in the schema 'public', but no matches were found.")
    # The referenced column is not a hint for the self case either.
    by_ref = await get(anon, "/rest/v1/tickets", {"select": "*,tickets!id(*)"}, status=400)
    assert by_ref["code"] == "PGRST200"


async def test_two_self_keys_are_ambiguous_by_table_name(anon):
    body = await get(anon, "/rest/v1/employees", {"select": "*,employees(*)"}, status=300)
    assert body == {
        "code": "PGRST201",
        "details": [
            {"cardinality": "one-to-many", "embedding": "employees with employees",
             "relationship": "employees_manager_fk using employees(id) and employees(manager_id)"},
            {"cardinality": "one-to-many", "embedding": "employees with employees",
             "relationship": "employees_mentor_fk using employees(id) and employees(mentor_id)"}],
        "hint": "Try changing 'employees' to one of the following: 'employees!employees_manager_fk', "
                "'employees!employees_mentor_fk'. Find the desired relationship in the 'details' key.",
        "message": "Could not embed because more than one relationship was found for 'employees' and 'employees'"}


async def test_two_self_keys_each_way(anon):
    rows = await get(anon, "/rest/v1/employees", {
        "select": "name,manager:manager_id(name),mentor:mentor_id(name),reports:employees!manager_id(name),"
                  "mentees:employees!mentor_id(name)", "id": "in.(1,2)", "order": "id",
        "reports.order": "id", "mentees.order": "id"})
    assert rows == [
        {"name": "Ada", "manager": None, "mentor": None, "reports": [{"name": "Bob"}, {"name": "Cy"}],
         "mentees": [{"name": "Bob"}]},
        {"name": "Bob", "manager": {"name": "Ada"}, "mentor": {"name": "Ada"}, "reports": [{"name": "Dee"}],
         "mentees": [{"name": "Cy"}]}]


async def test_order_by_the_parent(anon):
    rows = await get(anon, "/rest/v1/employees", {"select": "name,manager:manager_id(name)",
                                                  "order": "manager(name).desc.nullslast,name"})
    assert [r["name"] for r in rows] == ["Dee", "Bob", "Cy", "Ada"]


async def test_ambiguity_between_foreign_keys_lists_every_candidate(anon):
    body = await get(anon, "/rest/v1/books", {"select": "*,authors(*)"}, status=300)
    assert body["details"] == [
        {"cardinality": "many-to-one", "embedding": "books with authors",
         "relationship": "books_author_fk using books(author_id) and authors(id)"},
        {"cardinality": "many-to-one", "embedding": "books with authors",
         "relationship": "books_editor_fk using books(editor_id) and authors(id)"}]
    assert body["hint"] == ("Try changing 'authors' to one of the following: 'authors!books_author_fk', "
                            "'authors!books_editor_fk'. Find the desired relationship in the 'details' key.")
