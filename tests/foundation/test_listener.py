"""The process's shared LISTEN connection (oricol.db.Listener): one backend for every channel, told when lost."""
from __future__ import annotations

import asyncio

from oricol.db import Listener

NAME = "oricol listener"


async def listener_backends(admin) -> list[int]:
    return [row["pid"] for row in await admin.fetch(
        "select pid from pg_stat_activity where application_name = $1 and datname = current_database()", NAME)]


class Inbox:
    def __init__(self) -> None:
        self.payloads: asyncio.Queue[str] = asyncio.Queue()
        self.lost = asyncio.Event()

    def notified(self, conn, pid, channel, payload) -> None:
        self.payloads.put_nowait(f"{channel}:{payload}")

    def on_lost(self) -> None:
        self.lost.set()

    async def next(self) -> str:
        return await asyncio.wait_for(self.payloads.get(), 10)


async def test_channels_share_one_connection_and_hear_their_own_notifications(db_url, admin):
    listener, first, second = Listener(db_url), Inbox(), Inbox()
    await listener.listen("first", first.notified)
    await listener.listen("second", second.notified)
    assert len(await listener_backends(admin)) == 1

    await admin.execute("select pg_notify('first', 'one'), pg_notify('second', 'two')")
    assert await first.next() == "first:one"
    assert await second.next() == "second:two"

    await listener.unlisten("first", first.notified)
    await admin.execute("select pg_notify('first', 'unheard'), pg_notify('second', 'three')")
    assert await second.next() == "second:three"
    assert first.payloads.empty()

    await listener.unlisten("second", second.notified)  # the last one leaves: the connection closes
    for _ in range(100):
        if not await listener_backends(admin):
            break
        await asyncio.sleep(0.05)
    assert await listener_backends(admin) == []


async def test_a_lost_connection_tells_every_listener_and_listening_again_reconnects(db_url, admin):
    listener, first, second = Listener(db_url), Inbox(), Inbox()
    await listener.listen("first", first.notified, on_lost=first.on_lost)
    await listener.listen("second", second.notified, on_lost=second.on_lost)
    [pid] = await listener_backends(admin)

    await admin.execute("select pg_terminate_backend($1)", pid)
    await asyncio.wait_for(first.lost.wait(), 10)
    await asyncio.wait_for(second.lost.wait(), 10)

    await listener.listen("first", first.notified, on_lost=first.on_lost)
    [new_pid] = await listener_backends(admin)
    assert new_pid != pid
    await admin.execute("select pg_notify('first', 'again'), pg_notify('second', 'forgotten')")
    assert await first.next() == "first:again"
    await listener.close()
