"""Golden SQL: the statements the builder produces for a small hand-made schema, with parameters."""
from __future__ import annotations

from oricol.rest import mutation, query, query_params
from oricol.rest.plan import plan_read, table_source
from oricol.rest.schema_cache import Column, ForeignKey, SchemaCache, Table, _derive_relationships
from oricol.sql import render


def column(name, type_="integer", default=None):
    return Column(name, type_, type_, True, default, False)


def cache() -> SchemaCache:
    c = SchemaCache(("public",))
    c.tables[("public", "teams")] = Table("public", "teams", "r", True, {"id": column("id"), "name": column("name", "text")},
                                          ("id",), [("id",)])
    c.tables[("public", "tickets")] = Table("public", "tickets", "r", True, {
        "id": column("id"), "title": column("title", "text"), "team_id": column("team_id"),
        "data": column("data", "jsonb"), "status": column("status", "text", "'open'::text")}, ("id",), [("id",)])
    c.foreign_keys.append(ForeignKey("tickets_team_id_fkey", "public", "tickets", ("team_id",), "public", "teams", ("id",)))
    _derive_relationships(c)
    return c


def read(pairs, **kwargs):
    c = cache()
    source = table_source(c, "public", "tickets")
    node = plan_read(c, source, query_params.parse(pairs))
    defaults = dict(count=False, media="application/json", strip_nulls=False, limit=None, offset=0)
    return render(query.read_statement(node, query.from_source(node), **{**defaults, **kwargs}))


def test_simple_read():
    text, params = read([("select", "id,t:title"), ("id", "eq.5"), ("order", "id.desc"), ("limit", "3")], limit=3)
    assert text == ('select null::bigint as total, count(*) as page, coalesce(json_agg("_pgrst_r"), \'[]\')::text as body, '
                    "current_setting('response.headers', true) as response_headers, "
                    "current_setting('response.status', true) as response_status from ("
                    'select "tickets"."id" as "id", "tickets"."title" as "t" from "public"."tickets" as "tickets" '
                    'where "tickets"."id" = $1::text::integer order by "tickets"."id" desc limit $2::bigint) as _pgrst_r')
    assert params == ["5", 3]


def test_filters_json_and_logic_are_parameters():
    text, params = read([("select", "id"), ("data->>k", "like.a*"),
                         ("or", "(title.in.(x,y),status.is.null,id.not.gt.3)")])
    assert ('where "tickets"."data"->$1::text like $2::text and ("tickets"."title" = any($3::text[]) or '
            '"tickets"."status" is null or not ("tickets"."id" > $4::text::integer))') in text.replace("->>", "->")
    assert params == ["k", "a%", ["x", "y"], "3"]


def test_embed_to_one_with_count():
    text, params = read([("select", "id,team:teams(name)"), ("teams.name", "eq.Desk")], count=True)
    assert ('left join lateral (select row_to_json("pgrst_1_x") as body from (select "pgrst_1"."name" as "name" '
            'from "public"."teams" as "pgrst_1" where "pgrst_1"."id" = "tickets"."team_id" and '
            '"pgrst_1"."name" = $') in text
    assert text.startswith("select (select count(*) from (select 1 from")
    assert params == ["Desk", "Desk"]


def test_insert_is_one_statement_with_the_body_as_one_parameter():
    c = cache()
    table = c.table("public", "tickets")
    cte = mutation.insert_cte(table, "tickets", ["title", "status"], '[{"title":"a"}]', missing_default=True,
                              on_conflict=("id",), resolution="merge-duplicates",
                              returning=mutation.returning_sql("minimal", table, "tickets"))
    text, params = render(cte)
    assert text == ('with _pgrst_payload as (select $1::text::json as p), pgrst_source as (insert into "public"."tickets" '
                    'as "tickets" ("title", "status") select "_pgrst_rec"."title", case when _pgrst_e.j -> $2::text is '
                    "null then 'open'::text else \"_pgrst_rec\".\"status\" end from json_array_elements((select case "
                    "when json_typeof(p) = 'array' then p else json_build_array(p) end from _pgrst_payload)) as "
                    '_pgrst_e(j) cross join lateral json_populate_record(null::"public"."tickets", _pgrst_e.j) as '
                    '_pgrst_rec on conflict ("id") do update set "title" = excluded."title", "status" = '
                    'excluded."status" returning 1)')
    assert params == ['[{"title":"a"}]', "status"]


def test_aggregates_group_by_spread_columns_and_json_embeds():
    c = cache()
    node = plan_read(c, table_source(c, "public", "tickets"),
                     query_params.parse([("select", "status,...teams(name,n:id.count()),team:teams(name)")]))
    text, params = render(query.node_sql(node, query.from_source(node)))
    assert text == ('select "tickets"."status" as "status", "pgrst_1"."name", count("pgrst_1"."n") as "n", '
                    '("pgrst_2".body)::jsonb as "team" from "public"."tickets" as "tickets" left join lateral '
                    '(select "pgrst_1"."name" as "name", "pgrst_1"."id" as "n" from "public"."teams" as "pgrst_1" '
                    'where "pgrst_1"."id" = "tickets"."team_id") as "pgrst_1" on true left join lateral '
                    '(select row_to_json("pgrst_2_x") as body from (select "pgrst_2"."name" as "name" from '
                    '"public"."teams" as "pgrst_2" where "pgrst_2"."id" = "tickets"."team_id") as "pgrst_2_x") '
                    'as "pgrst_2" on true group by 1, 2, 4')
    assert params == []
