"""How pushes leave the server: a client that stops reading is dropped without delaying the others,
and the ASGI `send` path (any server without Oricol's frame writer) delivers the same as the fast one."""
from __future__ import annotations

import asyncio

import pytest
import websockets

from tests.support import pg
from tests.support.stack import LiveServer, config_for

from .support import RawSocket, unique, ws_url


async def _flood(live, name: str, count: int, size: int) -> RawSocket:
    """`count` broadcasts of `size` bytes from a new socket, paced so that a reading client keeps up."""
    sender = await RawSocket.open(live)
    assert (await sender.join(name))["payload"]["status"] == "ok"
    for n in range(count):
        await sender.push(f"realtime:{name}", "broadcast", {"type": "broadcast", "event": "big",
                                                            "payload": {"n": n, "fill": "x" * size}})
        await asyncio.sleep(0.02)  # 10 MB/s: a reading client that stalls 0.8 s is still under 8 MB behind
    return sender


async def test_a_client_that_does_not_read_is_dropped_and_the_others_get_everything(live):
    name = unique("flood")
    # max_queue=1: this client stops reading from its socket after a message or two
    slow = await websockets.connect(ws_url(live), max_queue=1, max_size=None)
    fast = await RawSocket.open(live)
    for sock in (fast, RawSocket(slow, "1.0.0")):
        assert (await sock.join(name))["payload"]["status"] == "ok"
    size, count = 200_000, 200  # 40 MB: more than the 8 MB a client may leave unread, plus socket buffers
    got: list[int] = []

    async def read() -> None:
        while len(got) < count:
            message = await fast.until(lambda m: m["event"] == "broadcast", timeout=20)
            got.append(message["payload"]["payload"]["n"])

    reader = asyncio.create_task(read())
    sender = await _flood(live, name, count, size)
    await asyncio.wait_for(reader, 30)
    assert got == list(range(count))  # in order, none lost, while the slow one was stuck
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(slow.recv(), 10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    assert closed.value.rcvd.reason == "too many unread messages"
    await fast.close()
    await sender.close()


@pytest.fixture(scope="module")
async def stock_live(pg_server, template_db, tmp_path_factory):
    """The gateway under uvicorn's own websocket protocol: no frame writer in the scope."""
    name = await pg.clone(pg_server, template_db)
    server = LiveServer(config_for(pg_server.url_for(name), pg_server.password, tmp_path_factory.mktemp("stock")),
                        http={"ws": "websockets-sansio"})
    await asyncio.to_thread(server.start)
    yield server
    await asyncio.to_thread(server.stop)
    await pg.drop(pg_server, name)


async def test_pushes_through_plain_asgi_send(stock_live):
    name = unique("plain")
    receiver, sender = await RawSocket.open(stock_live, "2.0.0"), await RawSocket.open(stock_live)
    for sock in (receiver, sender):
        assert (await sock.join(name, {"broadcast": {"self": False}}))["payload"]["status"] == "ok"
    for n in range(50):
        await sender.push(f"realtime:{name}", "broadcast", {"type": "broadcast", "event": "e", "payload": {"n": n}})
    got = [(await receiver.until(lambda m: m["event"] == "broadcast"))["payload"]["payload"]["n"] for _ in range(50)]
    assert got == list(range(50))
    await receiver.push("phoenix", "heartbeat", {})
    assert (await receiver.until(lambda m: m["event"] == "phx_reply"))["payload"]["status"] == "ok"
    await sender.close()
    await receiver.close()


def _metric(text: str, name: str, default: float | None = None) -> float:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    if default is not None:  # a counter nothing has counted yet is not shown
        return default
    raise AssertionError(f"{name} is not in /metrics")


async def test_metrics_show_sockets_changes_and_their_delay(live, admin_live):
    import httpx

    from .support import published_table

    table = await published_table(admin_live, "watched", "id int primary key")
    sock = await RawSocket.open(live)
    reply = await sock.join(unique("metrics"), {"postgres_changes": [{"event": "*", "schema": "public",
                                                                      "table": table}]})
    assert reply["payload"]["status"] == "ok"
    await sock.until(lambda m: m["event"] == "system")
    async with httpx.AsyncClient(base_url=live.url, headers={"apikey": live.service_role_key}) as http:
        before = (await http.get("/metrics")).text
        await admin_live.execute(f"insert into {table} values (1)")
        await sock.until(lambda m: m["event"] == "postgres_changes")
        after = (await http.get("/metrics")).text
    assert _metric(after, "oricol_realtime_connections") >= 1
    assert _metric(after, "oricol_realtime_channels") >= 1
    assert _metric(after, "oricol_realtime_slot_holder") == 1
    assert _metric(after, "oricol_realtime_slot_retained_wal_bytes") >= 0
    assert _metric(after, "oricol_realtime_changes_total") >= _metric(before, "oricol_realtime_changes_total", 0) + 1
    assert _metric(after, "oricol_realtime_change_delay_seconds_count") > \
        _metric(before, "oricol_realtime_change_delay_seconds_count", 0)
    assert _metric(after, "oricol_realtime_frames_sent_total") > _metric(before, "oricol_realtime_frames_sent_total", 0)
    await sock.close()


async def test_a_lone_process_keeps_broadcasts_off_the_bus(live):
    """With no other process listening, broadcasts are delivered here and not sent through PostgreSQL."""
    import asyncpg

    seen: list[str] = []
    listener = await asyncpg.connect(live.db_url)
    await listener.add_listener("oricol_realtime", lambda *args: seen.append(args[-1]))
    name = unique("alone")
    sender, receiver = await RawSocket.open(live), await RawSocket.open(live)
    for sock in (sender, receiver):
        assert (await sock.join(name))["payload"]["status"] == "ok"
    for n in range(20):
        await sender.push(f"realtime:{name}", "broadcast", {"type": "broadcast", "event": "e", "payload": {"n": n}})
    for n in range(20):
        assert (await receiver.until(lambda m: m["event"] == "broadcast"))["payload"]["payload"] == {"n": n}
    await asyncio.sleep(0.3)
    assert not [m for m in seen if '"k":"b"' in m]
    await listener.close()
    await sender.close()
    await receiver.close()
