"""POST /pg/query: rows as postgres-meta returns them, errors with PostgreSQL's fields and position."""
from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest

from tests.support.stack import SECRETS, asgi_client, close_stack, open_stack


async def query(meta, sql: str, status: int = 200, **params):
    response = await meta.post("/pg/query", json={"query": sql}, params=params)
    assert response.status_code == status, response.text
    return response.json()


async def test_rows_and_values(meta):
    [row] = await query(meta, "select 1 as a, 1.50::numeric as b, '{\"x\": [1]}'::jsonb as c, 'ab'::bytea as d, "
                              "9007199254740993::int8 as e, '2024-05-01'::date as f, "
                              "'2024-05-01 10:00:00+00'::timestamptz as g, array[1,2] as h, null::text as i, "
                              "int4range(1, 4) as j, true as k, 'x' as l")
    assert row == {"a": 1, "b": "1.50", "c": {"x": [1]}, "d": {"type": "Buffer", "data": [97, 98]},
                   "e": "9007199254740993", "f": "2024-05-01", "g": "2024-05-01 10:00:00+00", "h": [1, 2],
                   "i": None, "j": "[1,4)", "k": True, "l": "x"}


async def test_the_last_statement_that_returned_rows_answers(meta, admin):
    rows = await query(meta, "create table public.q1 (a int);\ninsert into public.q1 values (1), (2) returning a;\n"
                             "select 1 where false;")
    assert rows == [{"a": 1}, {"a": 2}]
    assert await admin.fetchval("select count(*) from public.q1") == 2
    assert await query(meta, "create table public.q2 (a int)") == []


async def test_sql_error_with_position_and_nothing_applied(meta, admin):
    error = await query(meta, "create table public.q3 (a int);\nselec 2;", 400)
    assert error["code"] == "42601" and error["severity"] == "ERROR" and error["name"] == "error"
    assert error["message"] == 'syntax error at or near "selec"'
    assert error["position"] == "33"
    assert error["error"] == error["formattedError"] == (
        'ERROR:  42601: syntax error at or near "selec"\nLINE 2: selec 2;\n        ^\n')
    # several statements are one implicit transaction, as in a simple-query message
    assert await admin.fetchval("select to_regclass('public.q3')") is None

    error = await query(meta, "select * from public.nope", 400)
    assert error["code"] == "42P01" and error["position"] == "15"
    assert "LINE 1: select * from public.nope\n" in error["error"]

    error = await query(meta, "insert into public.labels values (100, 'zz'), (101, 'zz')", 400)
    assert error["code"] == "23505" and error["constraint"] == "labels_name_key"
    assert error["detail"].startswith("Key (name)=(zz) already exists") and "DETAIL:  Key" in error["error"]


async def test_explicit_transactions_and_session_state_do_not_leak(meta, admin):
    await query(meta, "begin; create table public.q4 (a int); commit; create table public.q5 (a int)")
    assert await admin.fetchval("select to_regclass('public.q4') is not null and to_regclass('public.q5') is not null")
    await query(meta, "set role anon")
    [row] = await query(meta, "select current_user as who")
    assert row == {"who": "postgres"}


async def test_statement_timeout_applies(meta):
    error = await query(meta, "select pg_sleep(3)", 400, statementTimeoutSecs=1)
    assert error["code"] == "57014" and "statement timeout" in error["message"]


async def test_bad_bodies(meta):
    assert await query(meta, "", 400) == {"error": "query not found"}
    response = await meta.post("/pg/query", content=b"not json", headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json() == {"error": "Body is not valid JSON"}


async def test_errors_carry_the_message_length_and_wrong_bind_counts_are_08P01(meta):
    error = await query(meta, "select * from public.nope", 400)
    # node-postgres' `length`: 4 + each field (type byte, text, NUL) + the final NUL
    fields = [error[k] for k in ("severity", "code", "message", "position", "file", "line", "routine")]
    assert error["length"] == 4 + sum(len(str(f).encode()) + 2 for f in fields + [error["severity"]]) + 1
    response = await meta.post("/pg/query", json={"query": "select $1::int as a", "parameters": [1, 2]})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "08P01" and body["message"] == (
        'bind message supplies 2 parameters, but prepared statement "" requires 1')
    assert isinstance(body["length"], int)


async def test_application_name_header(meta):
    response = await meta.post("/pg/query", json={"query": "select current_setting('application_name') as n"},
                               headers={"x-pg-application-name": "studio sql editor"})
    assert response.json() == [{"n": "studio sql editor"}]


@pytest.fixture
def quick_config(config):
    return dataclasses.replace(config, meta=dataclasses.replace(config.meta, statement_timeout_seconds=1))


async def test_the_server_wait_runs_out_as_408_query_read_timeout(quick_config, admin):
    stack = await open_stack(quick_config)
    try:
        async with asgi_client(stack, key=SECRETS["service_role_key"], token=SECRETS["service_role_key"]) as http:
            started = time.monotonic()
            response = await http.post("/pg/query", json={"query": "select pg_sleep(5)"})
            assert response.status_code == 408
            assert response.json()["error"] == "Query read timeout"
            assert time.monotonic() - started < 4
            # asyncpg cancelled it in the server: nothing keeps sleeping
            for _ in range(50):
                if not await admin.fetchval("select count(*) from pg_stat_activity where query = 'select pg_sleep(5)'"):
                    break
                await asyncio.sleep(0.05)
            assert not await admin.fetchval("select count(*) from pg_stat_activity where query = 'select pg_sleep(5)'")
    finally:
        await close_stack(stack)


async def test_a_zero_timeout_turns_the_limit_off(config):
    off = dataclasses.replace(config, meta=dataclasses.replace(config.meta, statement_timeout_seconds=0))
    stack = await open_stack(off)
    try:
        async with asgi_client(stack, key=SECRETS["service_role_key"], token=SECRETS["service_role_key"]) as http:
            response = await http.post("/pg/query", json={"query": "select pg_sleep(1.2) is null as slept"})
            assert response.status_code == 200 and response.json() == [{"slept": False}]
    finally:
        await close_stack(stack)


async def test_a_connection_string_from_the_request_is_refused(meta):
    for path, method in (("/pg/query", "post"), ("/pg/tables", "get")):
        response = await meta.request(method.upper(), path, json={"query": "select 1"} if method == "post" else None,
                                      headers={"x-connection-encrypted": "U2FsdGVkX1+somewhere-else"})
        assert response.status_code == 400
        assert "x-connection-encrypted is not supported" in response.json()["error"]


async def test_a_result_over_the_cap_is_refused_before_it_is_built(config):
    capped = dataclasses.replace(config, meta=dataclasses.replace(config.meta, max_result_bytes=100_000))
    stack = await open_stack(capped)
    try:
        async with asgi_client(stack, key=SECRETS["service_role_key"], token=SECRETS["service_role_key"]) as http:
            # ~1 GB if it were built: the cap stops it after the first chunks
            big = "select repeat('x', 10000) as x from generate_series(1, 100000)"
            response = await http.post("/pg/query", json={"query": big})
            assert response.status_code == 400 and response.json()["code"] == "RESULT_SIZE_EXCEEDED"
            small = await http.post("/pg/query", json={"query": "select n from generate_series(1, 1200) n"})
            assert small.status_code == 200 and len(small.json()) == 1200  # several chunks, under the cap
            script = await http.post("/pg/query", json={"query": "create temp table t (a int); "
                                                                  "insert into t values (1) returning a; select 2 as b"})
            assert script.json() == [{"b": 2}]
    finally:
        await close_stack(stack)
