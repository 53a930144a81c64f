"""What survives a restart and what the caps drop, through the running catcher."""
from __future__ import annotations

import httpx

from .conftest import make_catcher, message, send, settings


async def _listing(catcher, mailbox: str) -> list[dict]:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{catcher.http_port}") as http:
        response = await http.get(f"/api/v1/mailbox/{mailbox}")
        assert response.status_code == 200
        return response.json()


async def test_messages_survive_a_restart(tmp_path):
    config = settings()
    first = make_catcher(tmp_path / "mail", config)
    await first.start()
    try:
        await send(first, message(to="keep@example.org", subject="before"))
        (before,) = await _listing(first, "keep")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{first.http_port}") as http:
            await http.patch(f"/api/v1/mailbox/keep/{before['id']}", json={"seen": True})
    finally:
        await first.stop()
    assert await first.health() != "up"

    second = make_catcher(tmp_path / "mail", config)  # a new process would build a new one
    await second.start()
    try:
        assert await second.health() == "up"
        (after,) = await _listing(second, "keep")
        assert after["id"] == before["id"] and after["subject"] == "before" and after["seen"] is True
        await send(second, message(to="keep@example.org", subject="after"))
        listed = await _listing(second, "keep")
        assert [m["subject"] for m in listed] == ["before", "after"]
        assert listed[1]["id"] != listed[0]["id"]
    finally:
        await second.stop()


async def test_mailbox_cap_drops_the_oldest_of_that_mailbox(tmp_path):
    catcher = make_catcher(tmp_path / "mail", settings(mailbox_cap=3))
    await catcher.start()
    try:
        await send(catcher, message(to="other@example.org", subject="other"))
        for n in range(5):
            await send(catcher, message(to="full@example.org", subject=f"m{n}"))
        assert [m["subject"] for m in await _listing(catcher, "full")] == ["m2", "m3", "m4"]
        assert [m["subject"] for m in await _listing(catcher, "other")] == ["other"]
        assert len(list((tmp_path / "mail").glob("*.eml"))) == 4
    finally:
        await catcher.stop()


async def test_total_caps_drop_the_oldest_overall(tmp_path):
    catcher = make_catcher(tmp_path / "mail", settings(total_cap=3))
    await catcher.start()
    try:
        for n in range(5):
            await send(catcher, message(to=f"box{n}@example.org", subject=f"m{n}"))
        assert [len(await _listing(catcher, f"box{n}")) for n in range(5)] == [0, 0, 1, 1, 1]
    finally:
        await catcher.stop()

    big = "x" * 3000
    catcher = make_catcher(tmp_path / "bytes", settings(storage_cap_bytes=8000))
    await catcher.start()
    try:
        for n in range(4):
            await send(catcher, message(to="b@example.org", subject=f"m{n}", text=big))
        kept = await _listing(catcher, "b")
        assert [m["subject"] for m in kept] == ["m2", "m3"]
        assert sum(m["size"] for m in kept) <= 8000
    finally:
        await catcher.stop()


async def test_a_restart_applies_lowered_caps_and_discards_broken_files(tmp_path):
    catcher = make_catcher(tmp_path / "mail", settings())
    await catcher.start()
    try:
        for n in range(4):
            await send(catcher, message(to="c@example.org", subject=f"m{n}"))
    finally:
        await catcher.stop()
    root = tmp_path / "mail"
    (root / "20990101T000000-9999.json").write_text("{not json")
    (root / "20990101T000000-9998.eml").write_bytes(b"orphan source")
    (root / "half-written.eml.tmp").write_bytes(b"x")

    catcher = make_catcher(root, settings(mailbox_cap=2))
    await catcher.start()
    try:
        assert [m["subject"] for m in await _listing(catcher, "c")] == ["m2", "m3"]
        assert sorted(p.suffix for p in root.iterdir()) == [".eml", ".eml", ".json", ".json"]
    finally:
        await catcher.stop()
