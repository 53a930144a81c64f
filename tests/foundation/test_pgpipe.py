"""oricol.pgpipe: statements sent ahead of a prepared statement in its round trip, against a real server.
They run first, in the same implicit transaction (so a role set there is the one RLS plans with), the
Sync commits everything, a failure anywhere leaves nothing and the connection usable."""
from __future__ import annotations

import asyncpg
import pytest

from oricol import pgpipe

ROLE_SQL = """
do $$ begin create role pipe_reader nologin; exception when duplicate_object then null; end $$;
create table public.pipe_notes (id int primary key, owner text not null);
insert into public.pipe_notes values (1, 'a'), (2, 'a'), (3, 'b');
alter table public.pipe_notes enable row level security;
create policy own on public.pipe_notes for select to pipe_reader using (owner = current_setting('app.owner'));
grant select on public.pipe_notes to pipe_reader;
create table public.pipe_parents (id int primary key);
create table public.pipe_children (id int primary key,
  parent int references public.pipe_parents (id) deferrable initially deferred);
"""
AS_READER = pgpipe.encode(["set transaction_read_only = on",
                           "select set_config('role', 'pipe_reader', true), set_config('app.owner', 'a', true) offset 1"])
STATE = ("select current_user as who, current_setting('transaction_read_only') as read_only, "
         "(select count(*) from public.pipe_notes) as visible")


@pytest.fixture
async def conn(admin):
    await admin.execute(ROLE_SQL)
    yield admin


@pytest.fixture
def notices(conn) -> list:
    heard: list = []
    conn.add_log_listener(lambda _conn, message: heard.append(message))
    return heard


async def test_the_statements_before_are_in_force_when_the_statement_is_planned(conn, notices):
    for _ in range(2):  # prepared on the first pass, from asyncpg's cache on the second
        rows = await pgpipe.fetch_after(conn, AS_READER, STATE, [], prepare_as="select 1")
        assert [tuple(r) for r in rows] == [("pipe_reader", "on", 2)]  # the policy saw the role and the setting
    assert notices == []  # no "can only be used in transaction blocks" warnings
    after = await conn.fetchrow("select current_user as who, current_setting('app.owner', true) as owner")
    assert after["who"] != "pipe_reader" and after["owner"] in (None, "")  # local to the request's transaction


async def test_a_failure_before_the_statement_fails_it_and_the_connection_goes_on(conn):
    failing = AS_READER + pgpipe.encode(["select 1 / 0 offset 1"])
    with pytest.raises(asyncpg.DivisionByZeroError):
        await pgpipe.fetch_after(conn, failing, STATE, [], prepare_as="select 1")
    assert conn.is_in_transaction() is False
    assert await conn.fetchval("select 41 + 1") == 42


async def test_the_sync_commits_and_a_deferred_failure_leaves_nothing(conn):
    insert = "insert into public.pipe_children values ($1, $2) returning id"
    with pytest.raises(asyncpg.ForeignKeyViolationError):  # checked at commit, after the statement answered
        await pgpipe.fetch_after(conn, pgpipe.encode(["insert into public.pipe_parents values (1)"]), insert,
                                 [1, 2], prepare_as="select 1")
    assert await conn.fetchval("select count(*) from public.pipe_parents") == 0  # the statement before too
    rows = await pgpipe.fetch_after(conn, pgpipe.encode(["insert into public.pipe_parents values (2)"]), insert,
                                    [1, 2], prepare_as="select 1")
    assert rows[0]["id"] == 1 and await conn.fetchval("select count(*) from public.pipe_children") == 1


async def test_an_argument_the_driver_refuses_closes_the_connection_rather_than_poison_it(conn):
    with pytest.raises(asyncpg.DataError):  # refused after `before` was written, before its Sync
        await pgpipe.fetch_after(conn, AS_READER, "select $1::int", ["not a number"], prepare_as="select 1")
    assert conn.is_closed()


async def test_a_statement_whose_result_type_changed_is_prepared_again(conn):
    query = "select * from public.pipe_parents"
    assert await pgpipe.fetch_after(conn, b"", query, [], prepare_as="select 1") == []
    await conn.execute("alter table public.pipe_parents add column name text; "
                       "insert into public.pipe_parents values (7, 'seven')")
    rows = await pgpipe.fetch_after(conn, b"", query, [], prepare_as="select 1")
    assert [tuple(r) for r in rows] == [(7, "seven")]


async def test_a_statement_too_large_for_the_cache_is_parsed_again_after_the_ones_before(db_url):
    conn = await asyncpg.connect(db_url, statement_cache_size=0)  # every statement is the unnamed one
    try:
        await conn.execute(ROLE_SQL)
        for _ in range(2):
            rows = await pgpipe.fetch_after(conn, AS_READER, STATE + " where $1::int > 0", [1], prepare_as="select 1")
            assert [tuple(r) for r in rows] == [("pipe_reader", "on", 2)]
    finally:
        await conn.close()


async def test_a_statement_not_yet_prepared_is_prepared_as_the_caller(conn):
    await conn.execute("create schema pipe_private; create table pipe_private.t (x int); "
                       "grant usage on schema pipe_private to pipe_reader; grant select on pipe_private.t to pipe_reader; "
                       "do $$ begin create role pipe_login login noinherit password 'pipe-login-pass' in role pipe_reader; "
                       "exception when duplicate_object then null; end $$")
    login = await asyncpg.connect(_login_url(conn))
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):  # the login role alone cannot even name it
            await login.fetch("select count(*) from pipe_private.t")
        rows = await pgpipe.fetch_after(login, pgpipe.encode(["reset role"]) + AS_READER,
                                        "select count(*) as n from pipe_private.t", [], prepare_as="set role pipe_reader")
        assert rows[0]["n"] == 0
        assert await login.fetchval("select current_user") == "pipe_login"  # the session's role went with the transaction
    finally:
        await login.close()


def _login_url(conn: asyncpg.Connection) -> str:
    host, port = conn._addr
    return f"postgresql://pipe_login:pipe-login-pass@{host}:{port}/{conn._params.database}"
