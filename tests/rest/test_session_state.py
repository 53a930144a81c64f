"""One pooled connection serving callers in turn: each request runs as its own caller (role and claims
in force when the RLS policies run, for reads, writes and RPC), and nothing a request leaves in the
session (settings, role, claims, read-only mode) reaches the next one or the pool's other users.
The pool has a single connection, so every request below reuses the same backend."""
from __future__ import annotations

import pytest

from oricol.app import build_stack
from oricol.db import Database
from tests.support.stack import asgi_client, close_stack

from .conftest import USER_A, USER_B, user_token

SETUP = f"""
insert into public.notes (owner, body) values ('{USER_A}', 'note of A'), ('{USER_B}', 'note of B');
create function public.my_notes() returns setof public.notes language sql stable as
  $$ select * from public.notes order by id $$;
create function public.state() returns json language sql volatile as
  $$ select json_build_object('user', current_user, 'claims', current_setting('request.jwt.claims', true),
                              'leak', current_setting('app.leak', true), 'read_only', current_setting('transaction_read_only'),
                              'timeout', current_setting('statement_timeout'),
                              'isolation', current_setting('transaction_isolation'),
                              'header', current_setting('request.headers', true)::json->>'x-probe') $$;
create function public.leave_state() returns int language plpgsql volatile as $$
begin
  perform set_config('app.leak', 'left behind', false);
  perform set_config('statement_timeout', '1234', false);
  -- session defaults: the next transaction starts with them, before any reset can run
  perform set_config('default_transaction_read_only', 'on', false);
  perform set_config('default_transaction_isolation', 'serializable', false);
  perform set_config('request.jwt.claims', '{{"sub": "{USER_B}", "role": "authenticated"}}', false);
  perform set_config('request.headers', '{{"x-probe": "left behind"}}', false);
  return 1;
end $$;
create function public.add_note(body text) returns int language sql volatile as
  $$ insert into public.notes (body) values (body) returning 1 $$;
"""

@pytest.fixture
async def one_connection(config, admin):
    await admin.execute(SETUP)
    db = await Database.connect(config.core.database_url, config.core.postgres_password, pool_size=1)
    assert db.app.get_max_size() == 1
    stack = build_stack(config, db)
    await stack.start()
    yield stack
    await close_stack(stack)

@pytest.fixture
async def clients(one_connection):
    async with asgi_client(one_connection) as anon, \
            asgi_client(one_connection, token=user_token(USER_A)) as user_a, \
            asgi_client(one_connection, token=user_token(USER_B)) as user_b:
        yield anon, user_a, user_b

async def bodies(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["body"] for row in response.json()]

async def test_reads_writes_and_rpc_run_as_the_caller_on_a_shared_connection(clients):
    anon, user_a, user_b = clients
    for _ in range(2):  # the second pass reads the cached shapes
        assert await bodies(await user_a.get("/rest/v1/notes")) == ["note of A"]
        assert await bodies(await anon.get("/rest/v1/notes")) == []
        assert await bodies(await user_b.get("/rest/v1/notes")) == ["note of B"]
        # the same shape with another caller's value: the policy, not the filter, decides
        assert await bodies(await user_a.get(f"/rest/v1/notes?owner=eq.{USER_B}")) == []
        assert await bodies(await user_b.get(f"/rest/v1/notes?owner=eq.{USER_B}")) == ["note of B"]
        assert await bodies(await anon.get(f"/rest/v1/notes?owner=eq.{USER_A}")) == []
        assert await bodies(await user_a.get("/rest/v1/rpc/my_notes")) == ["note of A"]
        assert await bodies(await anon.get("/rest/v1/rpc/my_notes")) == []
        assert await bodies(await user_b.post("/rest/v1/rpc/my_notes", json={})) == ["note of B"]
    patched = await user_a.patch(f"/rest/v1/notes?owner=eq.{USER_B}", json={"body": "stolen"},
                                 headers={"Prefer": "return=representation"})
    assert await bodies(patched) == []
    forged = await user_a.post("/rest/v1/notes", json={"body": "forged", "owner": USER_B})
    assert forged.status_code == 403 and forged.json()["code"] == "42501"
    created = await user_b.post("/rest/v1/notes", json={"body": "second of B"},
                                headers={"Prefer": "return=representation"})
    assert created.status_code == 201 and created.json()[0]["owner"] == USER_B
    assert await bodies(await user_a.get("/rest/v1/notes")) == ["note of A"]
    assert await bodies(await user_b.get("/rest/v1/notes?order=id")) == ["note of B", "second of B"]

async def test_nothing_a_request_leaves_in_the_session_reaches_the_next(clients, one_connection):
    anon, user_a, user_b = clients
    assert (await user_a.post("/rest/v1/rpc/leave_state", json={})).json() == 1
    state = (await anon.get("/rest/v1/rpc/state")).json()
    assert state["user"] == "anon" and '"role":"anon"' in state["claims"].replace(" ", "")
    assert state["leak"] in (None, "") and state["timeout"] != "1234" and state["header"] is None
    assert state["read_only"] == "on" and state["isolation"] == "read committed"  # a GET's transaction
    assert (await user_a.post("/rest/v1/rpc/leave_state", json={})).json() == 1
    state = (await user_a.post("/rest/v1/rpc/state", json={})).json()
    assert state["user"] == "authenticated" and USER_A in state["claims"] and state["read_only"] == "off"
    assert state["leak"] in (None, "") and state["isolation"] == "read committed"
    assert (await user_a.post("/rest/v1/rpc/leave_state", json={})).json() == 1
    written = await user_b.post("/rest/v1/notes", json={"body": "after a read-only default"})
    assert written.status_code == 201, written.text
    # the pool's other users get the connection as asyncpg resets it: logged-in role, no leftovers
    assert (await anon.get("/rest/v1/rpc/leave_state")).status_code in (200, 405)
    assert (await user_a.post("/rest/v1/rpc/leave_state", json={})).status_code == 200
    async with one_connection.platform.db.app.acquire() as conn:
        row = await conn.fetchrow("select current_user as user, current_setting('app.leak', true) as leak, "
                                  "current_setting('request.jwt.claims', true) as claims, "
                                  "current_setting('statement_timeout') as timeout, "
                                  "current_setting('transaction_read_only') as read_only")
        assert conn.is_in_transaction() is False
    assert row["user"] == "authenticator" and row["leak"] in (None, "") and row["claims"] in (None, "")
    assert row["timeout"] != "1234" and row["read_only"] == "off"

async def test_a_get_of_a_volatile_function_that_writes_stays_read_only(clients, admin):
    anon, user_a, _ = clients
    for _ in range(2):
        refused = await user_a.get("/rest/v1/rpc/add_note?body=sneaky")
        assert refused.status_code == 405 and refused.json()["code"] == "25006"
        assert (await user_a.post("/rest/v1/rpc/add_note", json={"body": "allowed"})).status_code == 200
    refused = await anon.get("/rest/v1/rpc/add_note?body=sneaky")
    assert refused.status_code == 405 and refused.json()["code"] == "25006"
    assert await admin.fetchval("select count(*) from public.notes where body = 'sneaky'") == 0
    assert await admin.fetchval("select count(*) from public.notes where body = 'allowed'") == 2

async def test_a_cached_shape_answers_each_value_and_the_same_errors(clients):
    anon, _, _ = clients
    for name in ("Ursula", "Italo", "nobody", "gt.5", "\ue000oricol-value-0\ue000"):
        response = await anon.get("/rest/v1/authors", params={"name": f"eq.{name}", "select": "name"})
        assert response.status_code == 200
        assert response.json() == ([{"name": name}] if name in ("Ursula", "Italo") else [])
    assert [r["id"] for r in (await anon.get("/rest/v1/authors?id=gt.1&order=id")).json()] == [2, 3]
    assert [r["id"] for r in (await anon.get("/rest/v1/authors?id=not.gt.1&order=id")).json()] == [1]
    for bad in ("eq.x", "eq.1"):
        response = await anon.get(f"/rest/v1/authors?nope={bad}")
        assert response.status_code == 400 and response.json()["code"] == "42703"
    response = await anon.get("/rest/v1/authors?id=eq.not-a-number")
    assert response.status_code == 400 and response.json()["code"] == "22P02"
    single = await anon.get("/rest/v1/authors?id=eq.2", headers={"Accept": "application/vnd.pgrst.object+json"})
    assert single.status_code == 200 and single.json()["id"] == 2
    several = await anon.get("/rest/v1/authors?id=gt.0", headers={"Accept": "application/vnd.pgrst.object+json"})
    assert several.status_code == 406
    counted = await anon.get("/rest/v1/authors?id=gt.1", headers={"Prefer": "count=exact", "Range": "0-0"})
    assert counted.status_code == 206 and counted.headers["content-range"] == "0-0/2"


async def test_a_write_that_fails_at_commit_leaves_nothing(clients, admin):
    """A write without a check commits in its one round trip; a deferred constraint fails at that commit."""
    _, user_a, _ = clients
    await admin.execute("""
      create table public.parents (id int primary key);
      create table public.children (id int primary key,
        parent int references public.parents (id) deferrable initially deferred);
      grant all on public.parents, public.children to authenticated;
      notify pgrst, 'reload schema'""")
    for _ in range(100):
        refused = await user_a.post("/rest/v1/children", json={"id": 1, "parent": 9})
        if refused.status_code != 404:
            break
    assert refused.status_code == 409 and refused.json()["code"] == "23503", refused.text
    assert await admin.fetchval("select count(*) from public.children") == 0
    assert (await user_a.post("/rest/v1/parents", json={"id": 9})).status_code == 201
    assert (await user_a.post("/rest/v1/children", json={"id": 1, "parent": 9})).status_code == 201
    assert await admin.fetchval("select count(*) from public.children") == 1
