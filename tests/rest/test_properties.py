"""Property tests (hypothesis) of the grammar and the SQL builder: any input either parses or is a
PGRST100; values only ever travel as parameters; any identifier yields SQL that PostgreSQL parses."""
from __future__ import annotations

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oricol.errors import ApiError
from oricol.rest import query, query_params
from oricol.rest.ast import Field, Filter, JsonStep, Logic, Node, OrderTerm, QueryParams, SelectField
from oricol.rest.plan import Source, plan_read
from oricol.sql import render

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
NAMES = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=20)
SOURCE = Source("public", "things", {"id": "integer", "name": "text", "data": "jsonb", "tags": "text[]"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT), max_size=4))
def test_any_query_string_parses_or_is_a_pgrst100(pairs):
    try:
        query_params.parse(pairs)
    except ApiError as error:
        assert error.code == "PGRST100" and error.status == 400


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["eq", "neq", "gt", "like", "ilike", "match", "isdistinct", "cs", "fts", "adj"]), TEXT)
def test_filter_values_are_parameters_only(op, value):
    """The statement text does not depend on the value: it only ever reaches a parameter."""
    def statement(v: str) -> tuple[str, list]:
        node = plan_read(None, SOURCE, query_params.parse([("name", f"{op}.{v}"), ("select", "id")]))
        return render(query.read_statement(node, query.from_source(node), count=False, media="application/json",
                                           strip_nulls=False, limit=None, offset=0))
    text, params = statement(value)
    assert text == statement("x")[0]
    assert value in params or value.replace("*", "%") in params


VALUE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\\\""), max_size=8)
leaves = st.builds(Filter, st.builds(Field, st.sampled_from(["id", "name", "data"])),
                   st.sampled_from(["eq", "neq", "gt", "lt", "like", "ilike"]), VALUE, st.booleans())
trees = st.recursive(leaves, lambda kids: st.builds(
    lambda op, children, negated: Logic(op, tuple(children), negated),
    st.sampled_from(["and", "or"]), st.lists(kids, min_size=1, max_size=3), st.booleans()), max_leaves=10)


def serialize(condition) -> str:
    prefix = "not." if condition.negated else ""
    if isinstance(condition, Filter):
        return f'{condition.field.name}.{prefix}{condition.op}."{condition.value}"'
    return f"{prefix}{condition.op}(" + ",".join(serialize(c) for c in condition.children) + ")"


@settings(max_examples=300, deadline=None)
@given(st.lists(trees, min_size=1, max_size=3))
def test_logic_trees_of_any_depth_round_trip(children):
    """Any tree, with values quoted as clients quote them (commas, parentheses, dots), parses back."""
    expected = Logic("or", tuple(children))
    assert query_params.parse_logic("or", "(" + ",".join(serialize(c) for c in children) + ")", False) == expected


@pytest.fixture
async def parser_conn(db_url):
    conn = await asyncpg.connect(db_url)
    await conn.execute("create table public.things (id int, name text, data jsonb, tags text[])")
    yield conn
    await conn.close()


async def test_any_identifiers_give_sql_postgres_can_parse(parser_conn):
    """Column names, aliases, JSON keys and embed-free selects built from arbitrary text: PostgreSQL
    may say a column does not exist, but never that the statement is malformed."""
    failures = []

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(NAMES.filter(lambda n: n not in ("id", "name", "data", "tags")), NAMES, NAMES)
    def collect(column, alias, key):
        source = Source("public", "things", {"id": "integer", "name": "text", "data": "jsonb", column: "text"})
        node = plan_read(None, source, QueryParams(
            select=(SelectField(Field(column), alias=alias),
                    SelectField(Field("data", (JsonStep("->>", key),)), alias=key)),
            nodes={(): Node(conditions=[Filter(Field(column), "eq", "v")],
                            order=(OrderTerm(Field(column), None, "desc", "last"),))}))
        failures.append(render(query.read_statement(node, query.from_source(node), count=True,
                                                    media="application/json", strip_nulls=False, limit=5, offset=1)))
    collect()
    for text, _params in failures:
        try:
            await parser_conn.prepare(text)
        except asyncpg.UndefinedColumnError:
            pass  # well-formed; the arbitrary column just is not there
