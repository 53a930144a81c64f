"""The Phoenix wire protocol, frame by frame (vsn 1.0.0 objects, 2.0.0 arrays and binary frames)."""
from __future__ import annotations

import json
import struct

import pytest
import websockets

from .support import RawSocket, unique, user_token, ws_url


async def test_heartbeat_is_answered_on_the_phoenix_topic(live):
    for vsn in ("1.0.0", "2.0.0"):
        sock = await RawSocket.open(live, vsn)
        ref = await sock.push("phoenix", "heartbeat", {})
        reply = await sock.reply_to(ref)
        assert reply["topic"] == "phoenix"
        assert reply["payload"] == {"status": "ok", "response": {}}
        await sock.close()


async def test_join_replies_with_bindings_in_client_order_and_ref(live):
    sock = await RawSocket.open(live, "2.0.0")
    reply = await sock.join(unique("room"), {"broadcast": {"self": True}})
    assert reply["payload"]["status"] == "ok"
    assert reply["payload"]["response"] == {"postgres_changes": []}
    assert reply["join_ref"] == reply["ref"]
    await sock.close()


async def test_unknown_topic_and_bad_topic_are_errors(live):
    sock = await RawSocket.open(live)
    ref = await sock.push("realtime:never-joined", "broadcast", {"type": "broadcast", "event": "x", "payload": {}})
    reply = await sock.reply_to(ref)
    assert reply["payload"] == {"status": "error", "response": {"reason": "unmatched topic"}}
    ref = await sock.push("not-realtime", "phx_join", {"config": {}})
    reply = await sock.reply_to(ref)
    assert reply["payload"]["status"] == "error"
    assert "realtime:" in reply["payload"]["response"]["reason"]
    await sock.close()


async def test_table_not_published_is_a_system_error_and_a_bad_filter_a_join_error(live, admin_live):
    """As Supabase: the join is accepted (a refused join would be retried by the client forever) and
    a `system` message of status `error` says why no change will come."""
    table = unique("unpublished")
    await admin_live.execute(f"create table public.{table} (id int primary key)")
    sock = await RawSocket.open(live)
    name = unique("room")
    reply = await sock.join(name, {"postgres_changes": [{"event": "*", "schema": "public", "table": table}]})
    assert reply["payload"]["status"] == "ok"
    assert reply["payload"]["response"]["postgres_changes"][0]["table"] == table
    system = await sock.until(lambda m: m["event"] == "system" and m["topic"] == f"realtime:{name}")
    assert system["payload"]["status"] == "error"
    assert system["payload"]["extension"] == "postgres_changes"
    assert "publication" in system["payload"]["message"]
    reply = await sock.join(unique("room"), {"postgres_changes": [
        {"event": "INSERT", "schema": "public", "table": table, "filter": "id=like.1"}]})
    assert reply["payload"]["status"] == "error"
    assert "invalid filter" in reply["payload"]["response"]["reason"]
    await sock.close()


async def test_expired_token_refuses_join_and_closes_channel_on_refresh(live):
    sock = await RawSocket.open(live)
    reply = await sock.join(unique("room"), token=user_token(exp_in=-10))
    assert reply["payload"]["status"] == "error"
    assert "expired" in reply["payload"]["response"]["reason"].lower()
    name = unique("room")
    reply = await sock.join(name, token=user_token())
    assert reply["payload"]["status"] == "ok"
    await sock.push(f"realtime:{name}", "access_token", {"access_token": user_token(exp_in=-5)})
    system = await sock.until(lambda m: m["event"] == "system")
    assert system["payload"]["status"] == "error"
    assert system["ref"] is None
    closed = await sock.until(lambda m: m["event"] == "phx_close")
    assert closed["topic"] == f"realtime:{name}"
    ref = await sock.push(f"realtime:{name}", "broadcast", {"type": "broadcast", "event": "e", "payload": {}})
    assert (await sock.reply_to(ref))["payload"]["status"] == "error"
    await sock.close()


async def test_binary_broadcast_frames_of_vsn_2(live):
    name = unique("bin")
    sender, receiver = await RawSocket.open(live, "2.0.0"), await RawSocket.open(live, "2.0.0")
    await receiver.join(name)
    await sender.join(name)
    topic = f"realtime:{name}".encode()
    body = json.dumps({"hello": "bytes"}).encode()
    # kind 3 (user broadcast push), lengths of join_ref, ref, topic, event, metadata; encoding 1 = JSON
    frame = struct.pack("!BBBBBBB", 3, 1, 1, len(topic), 4, 0, 1) + b"2" + b"9" + topic + b"ping" + body
    await sender.ws.send(frame)
    got = await receiver.until(lambda m: m.get("event") == "broadcast")
    assert got["payload"] == {"type": "broadcast", "event": "ping", "payload": {"hello": "bytes"}}
    assert got["ref"] is None
    raw = b"\x00\x01\xfe"
    frame = struct.pack("!BBBBBBB", 3, 1, 2, len(topic), 3, 0, 0) + b"2" + b"10" + topic + b"raw" + raw
    await sender.ws.send(frame)
    got = await receiver.until(lambda m: "binary" in m)
    data = got["binary"]
    assert data[0] == 4 and data[1] == len(topic) and data[2] == 3 and data[4] == 0
    assert data[5:5 + len(topic)] == topic and data.endswith(b"raw" + raw)
    await sender.close()
    await receiver.close()


async def test_malformed_frame_closes_socket_and_bad_key_refused(live):
    sock = await RawSocket.open(live)
    await sock.ws.send("this is not json")
    with pytest.raises(websockets.ConnectionClosed) as info:
        await sock.recv()
    assert info.value.rcvd.code == 1007
    with pytest.raises(websockets.InvalidStatus):
        await websockets.connect(ws_url(live, apikey="nope"))


async def test_idle_socket_is_closed(idle_live):
    sock = await RawSocket.open(idle_live)
    with pytest.raises(websockets.ConnectionClosed):
        await sock.recv(timeout=15)


async def test_http_errors_have_one_shape(live):
    import httpx
    async with httpx.AsyncClient(base_url=live.url, headers={"apikey": live.anon_key}) as http:
        missing = await http.get("/realtime/v1/api/nothing")
        empty = await http.post("/realtime/v1/api/broadcast", json={"messages": []})
        wrong = await http.post("/realtime/v1/api/broadcast", json={"messages": [{"topic": 1}]})
    for response, status in ((missing, 404), (empty, 422), (wrong, 422)):
        assert response.status_code == status
        body = response.json()
        assert set(body) == {"message", "error"} and body["message"]
        assert "Traceback" not in response.text
