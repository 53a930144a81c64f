"""Broadcast and presence through the official clients: realtime-js (in supabase-js, under node, both
protocol versions) and supabase-py's async realtime client."""
from __future__ import annotations

import asyncio

import httpx
from realtime import AsyncRealtimeClient

from tests.support.node import run_node

from .support import unique


def test_supabase_js_broadcast_self_ack_and_presence(live):
    name = unique("room")
    result = run_node(f"""
const a = anon(), b = anon();
const got = {{ a: [], b: [], joins: [], leaves: [] }};
const subscribed = (ch) => new Promise((resolve, reject) =>
  ch.subscribe((s, e) => s === 'SUBSCRIBED' ? resolve() : (s !== 'CLOSED' && reject(e || new Error(s)))));
const ca = a.channel('{name}', {{ config: {{ broadcast: {{ self: true, ack: true }}, presence: {{ key: 'alice' }} }} }})
  .on('broadcast', {{ event: 'msg' }}, (p) => got.a.push(p.payload))
  .on('presence', {{ event: 'join' }}, ({{ key }}) => got.joins.push(key))
  .on('presence', {{ event: 'leave' }}, ({{ key }}) => got.leaves.push(key));
const cb = b.channel('{name}', {{ config: {{ presence: {{ key: 'bob' }} }} }})
  .on('broadcast', {{ event: 'msg' }}, (p) => got.b.push(p.payload));
await subscribed(ca); await subscribed(cb);
const ack = await ca.send({{ type: 'broadcast', event: 'msg', payload: {{ n: 1 }} }});
await cb.send({{ type: 'broadcast', event: 'msg', payload: {{ n: 2 }} }});
await cb.send({{ type: 'broadcast', event: 'other', payload: {{ n: 3 }} }});
await ca.track({{ mood: 'happy' }});
await cb.track({{ mood: 'calm' }});
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < 100 && (got.a.length < 2 || got.b.length < 1 || !got.joins.includes('bob')); i++) await wait(50);
const state = ca.presenceState();
await b.removeChannel(cb);
for (let i = 0; i < 100 && !got.leaves.includes('bob'); i++) await wait(50);
out({{ ack, got, state: Object.fromEntries(Object.entries(state).map(([k, v]) => [k, v.map((m) => m.mood)])) }});
process.exit(0);
""", live)
    assert result["ack"] == "ok"
    assert sorted(p["n"] for p in result["got"]["a"]) == [1, 2]  # self: true sees its own
    assert result["got"]["b"] == [{"n": 1}]  # self: false does not; 'other' was not listened to
    assert set(result["got"]["joins"]) >= {"alice", "bob"}
    assert result["state"] == {"alice": ["happy"], "bob": ["calm"]}
    assert "bob" in result["got"]["leaves"]


def test_supabase_js_vsn_1_and_rest_broadcast(live):
    name = unique("room")
    result = run_node(f"""
import {{ createClient as cc }} from '@supabase/supabase-js';
const v1 = cc(URL_, ANON_KEY, {{ ...options, realtime: {{ ...options.realtime, vsn: '1.0.0' }} }});
const got = [];
const ch = v1.channel('{name}').on('broadcast', {{ event: 'news' }}, (p) => got.push(p.payload));
await new Promise((resolve) => ch.subscribe((s) => s === 'SUBSCRIBED' && resolve()));
const sender = service().channel('{name}');
const res = await sender.httpSend('news', {{ via: 'httpSend' }});
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < 100 && got.length < 2; i++) {{
  if (i == 2) await fetch(URL_ + '/realtime/v1/api/broadcast', {{
    method: 'POST',
    headers: {{ apikey: SERVICE_ROLE_KEY, authorization: 'Bearer ' + SERVICE_ROLE_KEY, 'content-type': 'application/json' }},
    body: JSON.stringify({{ messages: [{{ topic: '{name}', event: 'news', payload: {{ via: 'batch' }} }}] }}) }});
  await wait(50);
}}
out({{ res, got, vsn: v1.realtime.vsn }});
process.exit(0);
""", live)
    assert result["vsn"] == "1.0.0"
    assert result["res"] == {"success": True}
    assert sorted(p["via"] for p in result["got"]) == ["batch", "httpSend"]


async def test_supabase_py_broadcast_ack_presence_and_leave_on_disconnect(live):
    name = unique("room")
    url = live.url + "/realtime/v1"
    alice, bob = AsyncRealtimeClient(url, live.anon_key), AsyncRealtimeClient(url, live.anon_key)
    await alice.connect()
    await bob.connect()
    got_alice: list = []
    got_bob: list = []
    joins: list = []
    leaves: list = []
    subscribed = asyncio.Event()
    ca = alice.channel(name, {"config": {"broadcast": {"self": True, "ack": True}, "presence": {"key": "alice"}}})
    ca.on_broadcast("msg", lambda p: got_alice.append(p["payload"]))
    ca.on_presence_join(lambda key, current, new: joins.append(key))
    ca.on_presence_leave(lambda key, current, left: leaves.append(key))
    await ca.subscribe(lambda status, err: status.value == "SUBSCRIBED" and subscribed.set())
    await asyncio.wait_for(subscribed.wait(), 10)
    bob_subscribed = asyncio.Event()
    cb = bob.channel(name, {"config": {"presence": {"key": "bob"}}})
    cb.on_broadcast("msg", lambda p: got_bob.append(p["payload"]))
    await cb.subscribe(lambda status, err: status.value == "SUBSCRIBED" and bob_subscribed.set())
    await asyncio.wait_for(bob_subscribed.wait(), 10)
    await ca.send_broadcast("msg", {"n": 1})
    await ca.track({"mood": "happy"})
    await cb.track({"mood": "calm"})
    for _ in range(200):
        if got_alice and got_bob and "bob" in joins:
            break
        await asyncio.sleep(0.05)
    assert got_alice == [{"n": 1}] and got_bob == [{"n": 1}]
    assert {"alice", "bob"} <= set(joins)
    assert set(ca.presence.state) == {"alice", "bob"}
    await bob.close()  # a dropped socket leaves its presences
    for _ in range(200):
        if "bob" in leaves:
            break
        await asyncio.sleep(0.05)
    assert "bob" in leaves
    assert set(ca.presence.state) == {"alice"}
    await alice.close()


async def test_private_channel_needs_rls_on_realtime_messages(live, admin_live):
    from .support import RawSocket, user_token
    topic = unique("private")
    allowed = "11111111-1111-4111-8111-" + topic[-10:].rjust(12, "0")
    await admin_live.execute(
        f"""create policy "read {topic}" on realtime.messages for select to authenticated
            using (realtime.topic() = '{topic}' and auth.uid() = '{allowed}'::uuid)""")
    await admin_live.execute(
        f"""create policy "write {topic}" on realtime.messages for insert to authenticated
            with check (realtime.topic() = '{topic}' and auth.uid() = '{allowed}'::uuid)""")
    sock = await RawSocket.open(live)
    denied = await sock.join(topic, {"private": True}, token=user_token())
    assert denied["payload"]["status"] == "error"
    assert "Unauthorized" in denied["payload"]["response"]["reason"]
    ok = await sock.join(topic, {"private": True, "broadcast": {"self": True}}, token=user_token(allowed))
    assert ok["payload"]["status"] == "ok"
    async with httpx.AsyncClient(base_url=live.url) as http:
        body = {"messages": [{"topic": topic, "event": "e", "payload": {"from": "rest"}, "private": True}]}
        stranger = user_token()
        refused = await http.post("/realtime/v1/api/broadcast", json=body,
                                  headers={"apikey": live.anon_key, "authorization": f"Bearer {stranger}"})
        assert refused.status_code == 403 and "permissions" in refused.json()["message"]
        accepted = await http.post("/realtime/v1/api/broadcast", json=body,
                                   headers={"apikey": live.anon_key, "authorization": f"Bearer {user_token(allowed)}"})
        assert accepted.status_code == 202
        bad = await http.post("/realtime/v1/api/broadcast", content=b"{nope",
                              headers={"apikey": live.anon_key})
        assert bad.status_code == 400 and bad.json()["message"]
    got = await sock.until(lambda m: m["event"] == "broadcast")
    assert got["payload"]["payload"] == {"from": "rest"}
    await sock.close()


async def test_a_new_token_that_fails_the_private_channel_policies_ends_the_channel(live, admin_live):
    from .support import RawSocket, user_token
    topic = unique("revoked")
    member = "22222222-2222-4222-8222-" + topic[-10:].rjust(12, "0")
    await admin_live.execute(
        f"""create policy "read {topic}" on realtime.messages for select to authenticated
            using (realtime.topic() = '{topic}' and auth.uid() = '{member}'::uuid)""")
    sock = await RawSocket.open(live)
    assert (await sock.join(topic, {"private": True}, token=user_token(member)))["payload"]["status"] == "ok"
    await sock.push(f"realtime:{topic}", "access_token", {"access_token": user_token(member)})  # still a member
    await sock.push("phoenix", "heartbeat", {})
    assert (await sock.until(lambda m: m["event"] in ("phx_reply", "system", "phx_close")))["event"] == "phx_reply"
    await sock.push(f"realtime:{topic}", "access_token", {"access_token": user_token()})  # somebody else now
    system = await sock.until(lambda m: m["event"] == "system")
    assert system["payload"]["status"] == "error" and "permissions to read" in system["payload"]["message"]
    assert (await sock.until(lambda m: m["event"] == "phx_close"))["topic"] == f"realtime:{topic}"
    await sock.close()
