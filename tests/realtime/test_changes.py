"""postgres_changes from the WAL: payload shapes, filters and RLS, through realtime-js, supabase-py and
the raw protocol. Rows are written with asyncpg directly, as any client of the database would."""
from __future__ import annotations

import asyncio
import uuid

from realtime import AsyncRealtimeClient

from .support import NodeScript, RawSocket, published_table, unique, user_token


async def _subscribed(sock: RawSocket, name: str, bindings: list, token: str | None = None) -> dict:
    reply = await sock.join(name, {"postgres_changes": bindings}, token=token)
    assert reply["payload"]["status"] == "ok", reply
    system = await sock.until(lambda m: m["event"] == "system")
    assert system["payload"] == {"status": "ok", "message": "Subscribed to PostgreSQL",
                                 "extension": "postgres_changes", "channel": name}
    assert system["ref"] is None
    return reply


async def test_supabase_js_insert_update_delete_payloads(live, admin_live):
    table = await published_table(admin_live, "todos", "id bigint primary key, title text, done boolean, "
                                  "meta jsonb, at timestamptz default now()")
    script = NodeScript(f"""
const client = anon();
const events = [];
let ready = false;
const ch = client.channel('{unique("db")}')
  .on('postgres_changes', {{ event: '*', schema: 'public', table: '{table}' }}, (p) => events.push(p))
  .on('system', {{}}, (p) => {{
    if (p.extension === 'postgres_changes' && p.status === 'ok' && !ready) {{ ready = true; out({{ ready: true }}); }}
  }});
ch.subscribe();
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < 400 && events.length < 3; i++) await wait(50);
out(events);
process.exit(0);
""", live)
    try:
        assert await script.line() == {"ready": True}
        await admin_live.execute(f"insert into {table} (id, title, done, meta) values (1, 'write', false, "
                                 """'{"tags": ["a"]}')""")
        await admin_live.execute(f"update {table} set done = true where id = 1")
        await admin_live.execute(f"delete from {table} where id = 1")
        events = await script.line()
    finally:
        script.close()
    assert [e["eventType"] for e in events] == ["INSERT", "UPDATE", "DELETE"]
    insert, update, delete = events
    assert insert["schema"] == "public" and insert["table"] == table
    assert insert["new"]["id"] == 1 and insert["new"]["title"] == "write" and insert["new"]["done"] is False
    assert insert["new"]["meta"] == {"tags": ["a"]}
    assert insert["old"] == {} and insert["errors"] is None
    assert insert["commit_timestamp"].endswith("Z")
    assert update["new"]["done"] is True and update["old"]["done"] is False  # REPLICA IDENTITY FULL
    assert delete["old"]["id"] == 1 and delete["old"]["title"] == "write" and delete["new"] == {}


async def test_supabase_py_changes_with_filter(live, admin_live):
    table = await published_table(admin_live, "items", "id int primary key, owner text, qty int")
    client = AsyncRealtimeClient(live.url + "/realtime/v1", live.anon_key)
    await client.connect()
    got: list = []
    system = asyncio.Event()
    channel = client.channel(unique("py"))
    channel.on_postgres_changes("INSERT", lambda p: got.append(p), table=table, filter="owner=eq.ann")
    channel.on_system(lambda p: p.extension == "postgres_changes" and p.status == "ok" and system.set())
    await channel.subscribe()
    await asyncio.wait_for(system.wait(), 10)
    await admin_live.execute(f"insert into {table} values (1, 'bob', 5), (2, 'ann', 7)")
    await admin_live.execute(f"insert into {table} values (3, 'ann', 1)")
    for _ in range(200):
        if len(got) >= 2:
            break
        await asyncio.sleep(0.05)
    # changes arrive in commit order, so a wrongly delivered 'bob' row would be among these two
    assert [p["data"]["record"]["id"] for p in got] == [2, 3]
    data = got[0]["data"]
    assert data["type"] == "INSERT" and data["record"] == {"id": 2, "owner": "ann", "qty": 7}
    assert {"name": "qty", "type": "int4"} in data["columns"]
    await client.close()


async def test_supabase_py_reaches_subscribed_without_a_schema(live, admin_live):
    """supabase-py compares each binding of the join reply with what it sent, field by field: a
    `schema: public` it never sent made it drop the channel before SUBSCRIBED."""
    table = await published_table(admin_live, "todos", "id int primary key, title text")
    client = AsyncRealtimeClient(live.url + "/realtime/v1", live.anon_key)
    await client.connect()
    got: list = []
    states: list = []
    subscribed = asyncio.Event()
    channel = client.channel(unique("py"))
    flowing = asyncio.Event()
    channel.on_postgres_changes("*", lambda p: got.append(p), table=table)
    channel.on_system(lambda p: p.extension == "postgres_changes" and p.status == "ok" and flowing.set())

    def on_state(status, error) -> None:
        states.append(status.value)
        if status.value == "SUBSCRIBED":
            subscribed.set()
    await channel.subscribe(on_state)
    await asyncio.wait_for(subscribed.wait(), 10)
    assert "CHANNEL_ERROR" not in states
    await asyncio.wait_for(flowing.wait(), 10)
    await admin_live.execute(f"insert into {table} values (1, 'x')")
    for _ in range(200):
        if got:
            break
        await asyncio.sleep(0.05)
    assert got and got[0]["data"]["table"] == table and got[0]["data"]["schema"] == "public"
    await client.close()


async def test_every_filter_operator(live, admin_live):
    table = await published_table(admin_live, "nums", "id int primary key, n int, label text")
    ops = ["n=eq.5", "n=neq.5", "n=lt.5", "n=lte.5", "n=gt.5", "n=gte.5", "n=in.(1,9)", "label=eq.five"]
    sock = await RawSocket.open(live)
    reply = await _subscribed(sock, unique("ops"), [{"event": "INSERT", "schema": "public", "table": table,
                                                     "filter": f} for f in ops])
    ids = {b["filter"]: b["id"] for b in reply["payload"]["response"]["postgres_changes"]}
    assert [b["filter"] for b in reply["payload"]["response"]["postgres_changes"]] == ops
    await admin_live.execute(f"insert into {table} values (1, 1, 'one'), (2, 5, 'five'), (3, 9, 'nine')")
    seen = {}
    for _ in range(3):
        message = await sock.until(lambda m: m["event"] == "postgres_changes")
        seen[message["payload"]["data"]["record"]["n"]] = set(message["payload"]["ids"])
    expect = {1: {"n=neq.5", "n=lt.5", "n=lte.5", "n=in.(1,9)"},
              5: {"n=eq.5", "n=lte.5", "n=gte.5", "label=eq.five"},
              9: {"n=neq.5", "n=gt.5", "n=gte.5", "n=in.(1,9)"}}
    assert seen == {n: {ids[f] for f in filters} for n, filters in expect.items()}
    await sock.close()


async def test_rls_each_user_sees_only_own_rows(live, admin_live):
    table = await published_table(admin_live, "notes", "id serial primary key, owner uuid, body text")
    await admin_live.execute(f"alter table {table} enable row level security")
    await admin_live.execute(f"create policy own on {table} for select to authenticated using (owner = auth.uid())")
    ann, bob = str(uuid.uuid4()), str(uuid.uuid4())
    socks = {}
    for who, uid in (("ann", ann), ("bob", bob)):
        socks[who] = await RawSocket.open(live, "2.0.0")
        await _subscribed(socks[who], unique(who), [{"event": "*", "schema": "public", "table": table}],
                          token=user_token(uid))
    anon = await RawSocket.open(live)
    await _subscribed(anon, unique("anon"), [{"event": "*", "schema": "public", "table": table}])
    await admin_live.execute(f"insert into {table} (owner, body) values ($1, 'ann secret'), ($2, 'bob secret')",
                             uuid.UUID(ann), uuid.UUID(bob))
    await admin_live.execute(f"delete from {table} where owner = $1", uuid.UUID(ann))
    for who, uid in (("ann", ann), ("bob", bob)):
        first = await socks[who].until(lambda m: m["event"] == "postgres_changes")
        assert first["payload"]["data"]["record"]["owner"] == uid
        assert first["payload"]["data"]["record"]["body"] == f"{who} secret"
    deleted = await socks["ann"].until(lambda m: m["event"] == "postgres_changes")
    assert deleted["payload"]["data"]["type"] == "DELETE"
    assert deleted["payload"]["data"]["old_record"] == {"id": 1}  # RLS table: the key only
    # bob's next change is ann's delete (key only), never ann's row
    bob_next = await socks["bob"].until(lambda m: m["event"] == "postgres_changes")
    assert bob_next["payload"]["data"]["type"] == "DELETE" and "body" not in bob_next["payload"]["data"]["old_record"]
    # anon has SELECT but no policy: sees no rows
    await admin_live.execute(f"insert into {table} (owner, body) values (null, 'marker')")
    await admin_live.execute(f"insert into {table} (owner, body) values ($1, 'ann again')", uuid.UUID(ann))
    await socks["ann"].until(lambda m: m["event"] == "postgres_changes")  # changes go out in commit order
    await admin_live.execute(f"alter table {table} disable row level security")
    await admin_live.execute(f"insert into {table} (owner, body) values (null, 'public now')")
    seen = await anon.until(lambda m: m["event"] == "postgres_changes" and m["payload"]["data"]["type"] == "INSERT")
    assert seen["payload"]["data"]["record"]["body"] == "public now"
    for sock in (*socks.values(), anon):
        await sock.close()


async def test_token_refresh_changes_what_rls_shows(live, admin_live):
    table = await published_table(admin_live, "mine", "id serial primary key, owner uuid")
    await admin_live.execute(f"alter table {table} enable row level security")
    await admin_live.execute(f"create policy own on {table} for select to authenticated using (owner = auth.uid())")
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    sock = await RawSocket.open(live)
    name = unique("refresh")
    await _subscribed(sock, name, [{"event": "INSERT", "schema": "public", "table": table}], token=user_token(first))
    await sock.push(f"realtime:{name}", "access_token", {"access_token": user_token(second)})
    await sock.push("phoenix", "heartbeat", {})  # handled in order: the refresh is applied before this reply
    await sock.until(lambda m: m["event"] == "phx_reply" and m["topic"] == "phoenix")
    await admin_live.execute(f"insert into {table} (owner) values ($1), ($2)", uuid.UUID(first), uuid.UUID(second))
    got = await sock.until(lambda m: m["event"] == "postgres_changes")
    assert got["payload"]["data"]["record"]["owner"] == second
    await sock.close()


async def test_supabase_js_set_auth_switches_the_subscriber(live, admin_live):
    table = await published_table(admin_live, "owned", "id serial primary key, owner uuid")
    await admin_live.execute(f"alter table {table} enable row level security")
    await admin_live.execute(f"create policy own on {table} for select to authenticated using (owner = auth.uid())")
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    script = NodeScript(f"""
const client = anon();
await client.realtime.setAuth('{user_token(first)}');
const rows = [];
let ready = false;
const ch = client.channel('{unique("auth")}', {{ config: {{ broadcast: {{ ack: true }} }} }})
  .on('postgres_changes', {{ event: 'INSERT', schema: 'public', table: '{table}' }}, (p) => rows.push(p.new.owner))
  .on('system', {{}}, async (p) => {{
    if (p.extension !== 'postgres_changes' || ready) return;
    ready = true;
    await client.realtime.setAuth('{user_token(second)}');
    const ack = await ch.send({{ type: 'broadcast', event: 'sync', payload: {{}} }});  // acked after the token
    out({{ ready: ack }});
  }});
ch.subscribe();
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < 400 && rows.length < 1; i++) await wait(50);
out(rows);
process.exit(0);
""", live)
    try:
        assert await script.line() == {"ready": "ok"}
        await admin_live.execute(f"insert into {table} (owner) values ($1)", uuid.UUID(first))
        await admin_live.execute(f"insert into {table} (owner) values ($1)", uuid.UUID(second))
        rows = await script.line()
    finally:
        script.close()
    assert rows == [second]  # commit order: the first user's row, no longer visible, came first


async def test_subscribers_joining_and_leaving_between_changes(live, admin_live):
    """Who wants a table's changes is worked out once and kept: a join or a leave must show from the next change."""
    table = await published_table(admin_live, "comers", "id int primary key")
    bindings = [{"event": "INSERT", "schema": "public", "table": table}]
    first = await RawSocket.open(live)
    first_name = unique("first")
    await _subscribed(first, first_name, bindings)
    await admin_live.execute(f"insert into {table} values (1)")
    assert (await first.until(lambda m: m["event"] == "postgres_changes"))["payload"]["data"]["record"]["id"] == 1
    second = await RawSocket.open(live)
    await _subscribed(second, unique("second"), bindings)
    await admin_live.execute(f"insert into {table} values (2)")
    for sock in (first, second):
        assert (await sock.until(lambda m: m["event"] == "postgres_changes"))["payload"]["data"]["record"]["id"] == 2
    ref = await first.push(f"realtime:{first_name}", "phx_leave", {})
    await first.reply_to(ref)
    await admin_live.execute(f"insert into {table} values (3)")
    assert (await second.until(lambda m: m["event"] == "postgres_changes"))["payload"]["data"]["record"]["id"] == 3
    await first.push("phoenix", "heartbeat", {})
    assert (await first.until(lambda m: m["event"] in ("phx_reply", "postgres_changes")))["event"] == "phx_reply"
    for sock in (first, second):
        await sock.close()
