"""Fuzzing the REST grammar over real HTTP (the live server): whatever a client puts in the query
string (select trees, filters, logic trees, order, paging, casts, json paths, embeds, junk and limits),
the answer is never a 5xx and no error body carries SQL, paths or a traceback. Bounded: a few seconds."""
from __future__ import annotations

import asyncio
import uuid
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.leaks import assert_clean
from tests.support.pg import run_sql

TABLE = f"fuzz_{uuid.uuid4().hex[:8]}"
CHILD = TABLE + "_child"
COLUMNS = ["id", "title", "data", "tags", "n", "nope", "author", CHILD]
# Letters only for junk: an echo of generated text can never look like one of the LEAKS patterns.
JUNK = st.text(st.sampled_from("abcxyz019 ,.:()!*-><\"'\\%{}[]\x00é"), max_size=12)
OPS = ["eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "match", "imatch", "in", "is", "isdistinct",
       "fts", "plfts", "phfts", "wfts", "cs", "cd", "ov", "sl", "sr", "nxr", "nxl", "adj", "not.eq", "eq(any)",
       "like(all)", "fts(english)", "bogus"]
VALUES = st.one_of(JUNK, st.sampled_from(["1", "(1,2)", "{a,b}", "null", "true", "[1,5)", "\"a,b\"", "(\"x\")",
                                          "not_null", "%25", "1e400", "-1", "999999999999999999999"]))
column = st.one_of(st.sampled_from(COLUMNS), JUNK)
json_path = st.lists(st.tuples(st.sampled_from(["->", "->>"]), st.one_of(st.sampled_from(["a", "0", "b"]), JUNK)),
                     max_size=3).map(lambda steps: "".join(a + k for a, k in steps))
field = st.builds(lambda c, p, cast: c + p + cast, column, json_path,
                  st.sampled_from(["", "::text", "::int", "::bad type", "::json", "::text[]"]))
condition = st.builds(lambda f, op, v: f"{f}.{op}.{v}", field, st.sampled_from(OPS), VALUES)
logic = st.recursive(condition, lambda kids: st.builds(
    lambda op, children: f"{op}({','.join(children)})", st.sampled_from(["and", "or", "not.and", "not.or"]),
    st.lists(kids, min_size=0, max_size=3)), max_leaves=6)
select_item = st.recursive(
    st.one_of(field, st.sampled_from(["*", "count()", "id.count()", "n.sum()", "alias:id", "...x"]), JUNK),
    lambda kids: st.builds(lambda name, hint, items: f"{name}{hint}({','.join(items)})",
                           st.sampled_from([CHILD, TABLE, "author", "nope", "x"]),
                           st.sampled_from(["", "!inner", "!left", "!" + CHILD + "_parent_id_fkey", "!bogus"]),
                           st.lists(kids, max_size=3)), max_leaves=5)
pair = st.one_of(
    st.builds(lambda items: ("select", ",".join(items)), st.lists(select_item, max_size=4)),
    st.builds(lambda f, op, v: (f, f"{op}.{v}"), field, st.sampled_from(OPS), VALUES),
    st.builds(lambda key, tree: (key, tree[tree.index("("):] if "(" in tree else tree),
              st.sampled_from(["or", "and", "not.or", CHILD + ".or"]), logic),
    st.builds(lambda terms: ("order", ",".join(terms)), st.lists(st.builds(
        lambda f, d, n: f + d + n, field, st.sampled_from(["", ".asc", ".desc", ".up"]),
        st.sampled_from(["", ".nullsfirst", ".nullslast", ".x"])), max_size=3)),
    st.tuples(st.sampled_from(["limit", "offset", CHILD + ".limit", CHILD + ".order", "on_conflict", "columns"]),
              VALUES),
    st.tuples(JUNK, JUNK),
)
HEADERS = st.fixed_dictionaries({}, optional={
    "prefer": st.sampled_from(["count=exact", "count=planned", "return=representation", "tx=rollback", "x=y",
                               "handling=strict, max-affected=1", "missing=default"]),
    "range": st.sampled_from(["0-1", "5-2", "a-b", "items=0-"]),
    "accept": st.sampled_from(["application/json", "text/csv", "application/vnd.pgrst.object+json",
                               "application/vnd.pgrst.plan", "image/png", "*/*;q=x"]),
})


@pytest.fixture(scope="module")
def fuzz_table(live):
    asyncio.run(run_sql(live.db_url, f"""
        create table public.{TABLE} (id bigint primary key, title text, data jsonb, tags text[], n int);
        create table public.{CHILD} (id bigint primary key, parent_id bigint references public.{TABLE}(id), n int);
        grant select, insert, update, delete on public.{TABLE}, public.{CHILD} to anon;
        insert into public.{TABLE} values (1, 'one', '{{"a": [1]}}', '{{a,b}}', 1);
        insert into public.{CHILD} values (1, 1, 5);
        notify pgrst, 'reload schema';"""))
    with httpx.Client(base_url=live.url, headers={"apikey": live.anon_key}) as http:
        yield http


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(pairs=st.lists(pair, max_size=5), method=st.sampled_from(["GET", "GET", "HEAD", "DELETE", "PATCH"]),
       headers=HEADERS)
def test_no_query_yields_a_5xx_or_leaks(fuzz_table, pairs, method, headers):
    query = "&".join(quote(k, safe="") + "=" + quote(v, safe="(),.:!*->\"") for k, v in pairs)
    body = b'{"n": 2}' if method == "PATCH" else None
    headers = {**headers, "prefer": headers.get("prefer", "") + ",tx=rollback"} if method != "GET" else headers
    response = fuzz_table.request(method, f"/rest/v1/{TABLE}?{query}", headers=headers, content=body)
    assert_clean(response)
