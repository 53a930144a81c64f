"""Differences the official clients found (issue 18), each driven through supabase-py or supabase-js
against the live server: the client is the judge."""
from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx
import pytest
from postgrest.exceptions import APIError
from supabase import create_client

from tests.support.node import run_node


def schema_sql(p: str) -> str:
    return f"""
create table public.{p}_places (
  id int primary key,
  name text not null,
  iso char(2),
  during int4range,
  tags text[] not null default '{{}}',
  meta jsonb not null default '{{}}',
  note text default 'none',
  "número" int
);
grant all on public.{p}_places to anon, authenticated, service_role;
insert into public.{p}_places values
  (1, 'café', 'DZ', '[1,5)', '{{is:open,priority:high}}', '{{"k": "v"}}', null, 7),
  (2, 'bar', 'FR', '[10,20)', '{{}}', '{{}}', 'n', 8),
  (3, 'Zoë', 'DE', '[3,8)', '{{is:open}}', '{{}}', 'n', 9),
  (4, 'x', 'DZ', '[30,40)', '{{}}', '{{}}', 'n', 10);
create table public.{p}_visits (id int primary key, place_id int references public.{p}_places(id), note text);
grant all on public.{p}_visits to anon, authenticated, service_role;
insert into public.{p}_visits values (1, 1, 'first'), (2, 1, 'second'), (3, 3, 'third');
create function public.{p}_echo(t text) returns text language sql immutable as $$ select t $$;
create function public.{p}_places_of(code text) returns setof public.{p}_places language sql stable as
  $$ select * from public.{p}_places where iso = code $$;
create function public.{p}_one_place(wanted int) returns public.{p}_places language sql stable as
  $$ select * from public.{p}_places where id = wanted $$;
create function public.{p}_touch(code text) returns setof public.{p}_places language sql volatile as
  $$ update public.{p}_places set note = note where iso = code returning * $$;
create function public.{p}_over(a int) returns text language sql immutable as $$ select 'a' $$;
create function public.{p}_over(a int, b int) returns text language sql immutable as $$ select 'a,b' $$;
create function public.{p}_over(c text default 'c') returns text language sql immutable as $$ select 'c' $$;
create function public.{p}_unnamed(int, int) returns int language sql immutable as $$ select $1 + $2 $$;
create function public.{p}_unnamed(x int) returns int language sql immutable as $$ select x * 10 $$;
create function public.{p}_poly(v anyelement) returns text language sql immutable as $$ select v::text || '!' $$;
"""


@pytest.fixture(scope="module")
def p(live):
    async def create() -> str:
        prefix = "c" + uuid.uuid4().hex[:8]
        conn = await asyncpg.connect(live.db_url)
        try:
            await conn.execute(schema_sql(prefix))
        finally:
            await conn.close()
        async with httpx.AsyncClient(headers={"apikey": live.anon_key}) as http:
            for _ in range(200):
                if (await http.get(f"{live.url}/rest/v1/rpc/{prefix}_echo?t=x")).status_code == 200:
                    return prefix
                await asyncio.sleep(0.05)
        raise AssertionError("the live schema cache never saw the new tables")
    return asyncio.run(create())


def db(live):
    return create_client(live.url, live.anon_key)


def ids(response) -> list[int]:
    return sorted(row["id"] for row in response.data)


def test_non_ascii_values_columns_and_rpc_arguments(live, p):
    r = db(live).table(f"{p}_places").select("id,número").eq("name", "café").execute()
    assert r.data == [{"id": 1, "número": 7}]
    assert ids(db(live).table(f"{p}_places").select("id").in_("name", ["café", "Zoë"]).execute()) == [1, 3]
    assert db(live).rpc(f"{p}_echo", {"t": "çà et là"}, get=True).execute().data == "çà et là"


def test_range_operators_nxl_and_nxr(live, p):
    t = db(live).table(f"{p}_places")
    # range_lte is nxr (&<: does not extend to the right of), range_gte is nxl (&>)
    assert ids(t.select("id").range_lte("during", (0, 6)).execute()) == [1]
    assert ids(t.select("id").range_gte("during", (5, 100)).execute()) == [2, 4]


def test_char_n_columns_match_at_top_level_and_in_logic_trees(live, p):
    t = db(live).table(f"{p}_places")
    assert ids(t.select("id").eq("iso", "DZ").execute()) == [1, 4]
    assert ids(t.select("id").in_("iso", ["DZ", "FR"]).execute()) == [1, 2, 4]
    assert ids(t.select("id").or_("iso.eq.FR,iso.eq.DE").execute()) == [2, 3]
    assert ids(t.select("id").or_("and(iso.eq.DZ,id.gt.1),iso.in.(DE)").execute()) == [3, 4]


def test_braces_inside_logic_tree_values(live, p):
    r = db(live).table(f"{p}_places").select("id").or_("id.in.(2,4),tags.cs.{is:open,priority:high}").execute()
    assert ids(r) == [1, 2, 4]


def test_empty_json_key_in_select_is_a_parse_error(live, p):
    with pytest.raises(APIError) as error:
        db(live).table(f"{p}_places").select('meta->>""').execute()
    assert error.value.code == "PGRST100"


def test_upsert_status_missing_default_and_strip_nulls(live, p):
    t = f"{p}_places"
    result = run_node(f"""
const db = service();
const created = await db.from('{t}').upsert({{ id: 50, name: 'new' }});
const merged = await db.from('{t}').upsert({{ id: 50, name: 'newer' }});
const plain = await db.from('{t}').insert({{ id: 51, name: 'plain' }});
const dflt = await db.from('{t}').insert([{{ id: 52, name: 'd' }}, {{ id: 53, name: 'e', note: 'given' }}],
  {{ defaultToNull: false }}).select('id,note').order('id');
const stripped = await db.from('{t}').select('id,note').eq('id', 1).stripNulls();
out({{ created: created.status, merged: merged.status, plain: plain.status, dflt: dflt.data,
       stripped: stripped.data, error: dflt.error || stripped.error }});
""", live)
    assert result["error"] is None
    assert (result["created"], result["merged"], result["plain"]) == (201, 200, 201)
    assert result["dflt"] == [{"id": 52, "note": "none"}, {"id": 53, "note": "given"}]
    assert result["stripped"] == [{"id": 1}]


def test_rpc_overloads_unnamed_and_polymorphic_parameters(live, p):
    client = db(live)
    assert client.rpc(f"{p}_over", {"a": 1}).execute().data == "a"
    assert client.rpc(f"{p}_over", {"a": 1, "b": 2}).execute().data == "a,b"
    assert client.rpc(f"{p}_over", {"c": "z"}).execute().data == "c"
    assert client.rpc(f"{p}_over", {}).execute().data == "c"
    assert client.rpc(f"{p}_unnamed", {"x": 4}).execute().data == 40
    assert client.rpc(f"{p}_poly", {"v": "hi"}).execute().data == "hi!"
    assert client.rpc(f"{p}_poly", {"v": "hé"}, get=True).execute().data == "hé!"
    with pytest.raises(APIError) as error:
        client.rpc(f"{p}_over", {"b": 2}).execute()
    assert error.value.code == "PGRST202"


def test_rpc_count_max_affected_and_single_row_without_match(live, p):
    result = run_node(f"""
const db = service();
const counted = await db.rpc('{p}_places_of', {{ code: 'DZ' }}, {{ count: 'exact' }}).select('id').range(0, 0);
const head = await db.rpc('{p}_places_of', {{ code: 'DZ' }}, {{ count: 'exact', head: true }});
const limited = await db.rpc('{p}_touch', {{ code: 'DZ' }}).maxAffected(1);
const allowed = await db.rpc('{p}_touch', {{ code: 'FR' }}).maxAffected(1);
const none = await db.rpc('{p}_one_place', {{ wanted: 1 }}).eq('iso', 'XX');
const one = await db.rpc('{p}_one_place', {{ wanted: 1 }}).select('id,iso');
out({{ counted: [counted.count, counted.data], head: head.count, limited: limited.error, allowed: allowed.error,
       none: [none.status, none.data, none.error], one: one.data }});
""", live)
    assert result["counted"] == [2, [{"id": 1}]]
    assert result["head"] == 2
    assert result["limited"]["code"] == "PGRST124"
    assert result["allowed"] is None
    assert result["none"] == [200, None, None]
    assert result["one"] == {"id": 1, "iso": "DZ"}


def test_spread_on_to_many_and_the_same_embed_twice(live, p):
    t = db(live).table(f"{p}_places")
    r = t.select(f"id,...{p}_visits(note)").in_("id", [1, 2, 3]).order("id").order("id", foreign_table=f"{p}_visits") \
        .execute()
    assert r.data == [{"id": 1, "note": ["first", "second"]}, {"id": 2, "note": []}, {"id": 3, "note": ["third"]}]
    r = t.select(f"id,...{p}_visits!inner(visit:id,note)").order("id").order("id", foreign_table=f"{p}_visits").execute()
    assert r.data == [{"id": 1, "visit": [1, 2], "note": ["first", "second"]}, {"id": 3, "visit": [3], "note": ["third"]}]
    with pytest.raises(APIError) as error:
        t.select(f"id,{p}_visits(id),{p}_visits(note)").execute()
    assert error.value.code == "42712"
    r = t.select(f"id,a:{p}_visits(id),b:{p}_visits(note)").eq("id", 3).execute()
    assert r.data == [{"id": 3, "a": [{"id": 3}], "b": [{"note": "third"}]}]
