"""Broadcast from the database: `realtime.send` and the `realtime.broadcast_changes` trigger helper,
read from the WAL and delivered to private or public channels of the topic, as Supabase does."""
from __future__ import annotations

import asyncio
import uuid

from .support import NodeScript, RawSocket, unique, user_token


async def test_supabase_js_receives_broadcast_changes_from_a_trigger_on_a_private_channel(live, admin_live):
    table = unique("tasks")
    prefix = unique("task")
    await admin_live.execute(f"create table public.{table} (id int primary key, title text)")
    await admin_live.execute(f"""
        create function public.{table}_broadcast() returns trigger language plpgsql security definer as $$
        begin
          perform realtime.broadcast_changes('{prefix}:' || coalesce(new.id, old.id)::text, tg_op, tg_op,
                                             tg_table_name, tg_table_schema, new, old);
          return null;
        end $$""")
    await admin_live.execute(f"create trigger broadcast after insert or update or delete on public.{table} "
                             f"for each row execute function public.{table}_broadcast()")
    await admin_live.execute(f"""create policy "{prefix} readers" on realtime.messages for select to authenticated
                                 using (realtime.topic() like '{prefix}:%')""")
    script = NodeScript(f"""
const client = anon();
await client.realtime.setAuth('{user_token(str(uuid.uuid4()))}');
const events = [];
const channel = client.channel('{prefix}:1', {{ config: {{ private: true }} }})
  .on('broadcast', {{ event: '*' }}, (message) => events.push(message));
channel.subscribe((status) => {{ if (status === 'SUBSCRIBED') out({{ ready: true }}); }});
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < 200 && events.length < 3; i++) await wait(50);
out(events);
process.exit(0);
""", live)
    try:
        assert await script.line() == {"ready": True}
        await admin_live.execute(f"insert into public.{table} values (1, 'write'), (2, 'other topic')")
        await admin_live.execute(f"update public.{table} set title = 'done' where id = 1")
        await admin_live.execute(f"delete from public.{table} where id = 1")
        events = await script.line()
    finally:
        script.close()
    assert [e["event"] for e in events] == ["INSERT", "UPDATE", "DELETE"]
    insert, update, delete = (e["payload"] for e in events)
    assert insert["operation"] == "INSERT" and insert["table"] == table and insert["schema"] == "public"
    assert insert["record"] == {"id": 1, "title": "write"} and insert["old_record"] is None
    assert update["record"]["title"] == "done" and update["old_record"]["title"] == "write"
    assert delete["record"] is None and delete["old_record"] == {"id": 1, "title": "done"}
    assert all(e["type"] == "broadcast" and e["meta"]["id"] == e["payload"]["id"] for e in events)


async def test_realtime_send_reaches_public_or_private_channels_by_its_flag(live, admin_live):
    topic = unique("room")
    await admin_live.execute(f"""create policy "{topic} readers" on realtime.messages for select to authenticated
                                 using (realtime.topic() = '{topic}')""")
    public, private = await RawSocket.open(live), await RawSocket.open(live, "2.0.0")
    assert (await public.join(topic))["payload"]["status"] == "ok"
    assert (await private.join(topic, {"private": True}, token=user_token()))["payload"]["status"] == "ok"
    await admin_live.execute("select realtime.send($1::jsonb, 'hello', $2, false)", '{"to": "everyone"}', topic)
    await admin_live.execute("select realtime.send($1::jsonb, 'hello', $2, true)", '{"to": "members"}', topic)
    rolled_back = admin_live.transaction()  # a broadcast in a transaction that does not commit is never sent
    await rolled_back.start()
    await admin_live.execute("select realtime.send($1::jsonb, 'hello', $2, false)", '{"to": "nobody"}', topic)
    await admin_live.execute("select realtime.send($1::jsonb, 'hello', $2, true)", '{"to": "nobody"}', topic)
    await rolled_back.rollback()
    await admin_live.execute("select realtime.send($1::jsonb, 'bye', $2, false)", '{"to": "everyone"}', topic)
    await admin_live.execute("select realtime.send($1::jsonb, 'bye', $2, true)", '{"to": "members"}', topic)
    got_public = [await public.until(lambda m: m["event"] == "broadcast") for _ in range(2)]
    got_private = [await private.until(lambda m: m["event"] == "broadcast") for _ in range(2)]
    assert [(m["payload"]["event"], m["payload"]["payload"]["to"]) for m in got_public] == \
        [("hello", "everyone"), ("bye", "everyone")]
    assert [(m["payload"]["event"], m["payload"]["payload"]["to"]) for m in got_private] == \
        [("hello", "members"), ("bye", "members")]
    first = got_public[0]["payload"]
    assert first["type"] == "broadcast" and first["meta"]["id"] == first["payload"]["id"]
    for sock in (public, private):
        await sock.close()


async def test_a_broadcast_only_channel_starts_the_reading(live, admin_live):
    """A channel that only listens for broadcasts (no postgres_changes) still gets database broadcasts."""
    topic = unique("quiet")
    sock = await RawSocket.open(live)
    assert (await sock.join(topic))["payload"]["status"] == "ok"
    await asyncio.sleep(0.2)
    await admin_live.execute("select realtime.send('{\"n\": 1}'::jsonb, 'e', $1, false)", topic)
    got = await sock.until(lambda m: m["event"] == "broadcast")
    assert got["payload"]["payload"]["n"] == 1
    await sock.close()


async def test_a_private_channel_replays_the_latest_broadcasts_when_it_joins(live, admin_live):
    import time

    topic = unique("replay")
    await admin_live.execute(f"""create policy "{topic} readers" on realtime.messages for select to authenticated
                                 using (realtime.topic() = '{topic}')""")
    observer = await RawSocket.open(live)  # sees the messages go out live before the replaying socket joins
    assert (await observer.join(topic, {"private": True}, token=user_token()))["payload"]["status"] == "ok"
    before = int(time.time() * 1000) - 1000
    for n in range(4):
        await admin_live.execute("select realtime.send(jsonb_build_object('n', $1::int), 'past', $2, true)", n, topic)
    await admin_live.execute("select realtime.send('{\"n\": 99}'::jsonb, 'public', $1, false)", topic)  # not replayed
    for n in range(4):
        assert (await observer.until(lambda m: m["event"] == "broadcast"))["payload"]["payload"]["n"] == n
    sock = await RawSocket.open(live)
    reply = await sock.join(topic, {"private": True, "broadcast": {"replay": {"since": before, "limit": 2}}},
                            token=user_token())
    assert reply["payload"]["status"] == "ok"
    replayed = [await sock.until(lambda m: m["event"] == "broadcast") for _ in range(2)]
    assert [m["payload"]["payload"]["n"] for m in replayed] == [2, 3]  # the latest two, oldest first
    assert all(m["payload"]["meta"]["replayed"] is True for m in replayed)
    await admin_live.execute("select realtime.send('{\"n\": 4}'::jsonb, 'live', $1, true)", topic)
    live_one = await sock.until(lambda m: m["event"] == "broadcast")
    assert live_one["payload"]["payload"]["n"] == 4 and "replayed" not in live_one["payload"]["meta"]
    later = await RawSocket.open(live)  # since: now -> nothing to replay
    reply = await later.join(topic, {"private": True, "broadcast": {"replay": {"since": int(time.time() * 1000) + 60_000}}},
                             token=user_token())
    assert reply["payload"]["status"] == "ok"
    refused = await later.join(unique("public"), {"broadcast": {"replay": {"since": 0}}})
    assert refused["payload"] == {"status": "error", "response": {
        "reason": "UnableToReplayMessages: Replay is not allowed for public channels"}}
    bad = await later.join(topic, {"private": True, "broadcast": {"replay": {"since": "yesterday"}}},
                           token=user_token())
    assert bad["payload"]["response"]["reason"] == "UnableToReplayMessages: Replay params are not valid"
    for s in (sock, later, observer):
        await s.close()
