"""Unit tests of the query grammar (no database): select trees, filters, logic trees, order."""
from __future__ import annotations

import pytest

from oricol.errors import ApiError
from oricol.rest.ast import Field, Filter, JsonStep, Logic, OrderTerm, SelectEmbed, SelectField, Star
from oricol.rest.query_params import parse, parse_filter, parse_logic, parse_order, parse_select


def test_select_items():
    assert parse_select("id, name:title,meta->a->>b,price::text,total:pages.sum()::int,count()") == (
        SelectField(Field("id")), SelectField(Field("title"), alias="name"),
        SelectField(Field("meta", (JsonStep("->", "a"), JsonStep("->>", "b")))),
        SelectField(Field("price"), cast="text"),
        SelectField(Field("pages"), alias="total", aggregate="sum", aggregate_cast="int"),
        SelectField(None, None, None, "count", None))


def test_select_embeds_with_hints_joins_spread_and_nesting():
    assert parse_select('*,author:profiles!assigned_to!inner(id,...teams(name)),"my col",x!left()') == (
        Star(),
        SelectEmbed("profiles", "author", "assigned_to", "inner", False,
                    (SelectField(Field("id")), SelectEmbed("teams", spread=True, items=(SelectField(Field("name")),)))),
        SelectField(Field("my col")),
        SelectEmbed("x", join="left"))


@pytest.mark.parametrize("text", ["id,", "(", "a:", "a::x;y", "rel(a", "x.nope()", '"open', "...a", "a,,b"])
def test_bad_select_is_pgrst100(text):
    with pytest.raises(ApiError) as error:
        parse_select(text)
    assert error.value.code == "PGRST100" and error.value.status == 400


def test_filters():
    assert parse_filter(Field("a"), "eq.1") == Filter(Field("a"), "eq", "1")
    assert parse_filter(Field("a"), "not.in.(1,\"2,3\", x )") == Filter(Field("a"), "in", ("1", "2,3", "x"), True)
    assert parse_filter(Field("a"), "is.NULL") == Filter(Field("a"), "is", "null")
    assert parse_filter(Field("a"), "fts(english).cat dog") == Filter(Field("a"), "fts", "cat dog", language="english")
    assert parse_filter(Field("a"), "like(any).{a*,b*}") == Filter(Field("a"), "like", ("a*", "b*"), modifier="any")
    assert parse_filter(Field("a"), "eq.with.dots") == Filter(Field("a"), "eq", "with.dots")
    assert parse_filter(Field("a"), "eq.") == Filter(Field("a"), "eq", "")


def test_logic_trees_nest():
    tree = parse_logic("or", '(a.eq.1,and(b.gt.2,not.or(c.is.null,d.in.(1,2))),e.eq."x,y)")', negated=False)
    assert tree == Logic("or", (
        Filter(Field("a"), "eq", "1"),
        Logic("and", (Filter(Field("b"), "gt", "2"),
                      Logic("or", (Filter(Field("c"), "is", "null"), Filter(Field("d"), "in", ("1", "2"))), True))),
        Filter(Field("e"), "eq", "x,y)")))


def test_order():
    assert parse_order("a.desc.nullslast,b,c->>d.asc,rel(e).desc") == (
        OrderTerm(Field("a"), None, "desc", "last"), OrderTerm(Field("b")),
        OrderTerm(Field("c", (JsonStep("->>", "d"),)), None, "asc"), OrderTerm(Field("e"), "rel", "desc"))


def test_params_split_into_levels():
    query = parse([("select", "id,books(id)"), ("id", "gt.1"), ("books.pages", "gt.2"), ("books.order", "id"),
                   ("books.limit", "3"), ("or", "(id.eq.1,id.eq.2)"), ("books.not.and", "(id.eq.1)"),
                   ("limit", "10"), ("offset", "5"), ("on_conflict", "a,b"), ("columns", "x,y")])
    root, books = query.nodes[()], query.nodes[("books",)]
    assert root.limit == 10 and root.offset == 5 and len(root.conditions) == 2
    assert books.limit == 3 and books.order == (OrderTerm(Field("id")),)
    assert books.conditions[0] == Filter(Field("pages"), "gt", "2")
    assert books.conditions[1] == Logic("and", (Filter(Field("id"), "eq", "1"),), True)
    assert query.on_conflict == ("a", "b") and query.columns == ("x", "y")


def test_rpc_arguments_are_kept_apart():
    query = parse([("a", "1"), ("b", "x"), ("b", "y"), ("c", "eq.3")], rpc_args={"a", "b"})
    assert query.rpc_args == {"a": ["1"], "b": ["x", "y"]}
    assert query.nodes[()].conditions == [Filter(Field("c"), "eq", "3")]


@pytest.mark.parametrize("cast", ["int from pg_authid union select 1", "text is not null", "int4 --", "text;",
                                  "double  precision or true"])
def test_casts_cannot_carry_sql(cast):
    with pytest.raises(ApiError) as error:
        parse_select(f"id::{cast}")
    assert error.value.code == "PGRST100"


def test_multi_word_casts():
    assert parse_select("a::double precision,b::timestamp with time zone,c::character varying[]") == (
        SelectField(Field("a"), cast="double precision"), SelectField(Field("b"), cast="timestamp with time zone"),
        SelectField(Field("c"), cast="character varying[]"))
