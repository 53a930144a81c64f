"""RLS on database changes, judged on the rows as committed: typed columns (jsonb, enums), values an
UPDATE left in TOAST, a policy that fails for one subscriber only, and a table altered between changes."""
from __future__ import annotations

import json
import secrets
import uuid

from .support import RawSocket, published_table, unique, user_token


async def _subscribe(live, table: str, token: str | None) -> RawSocket:
    sock = await RawSocket.open(live)
    name = unique("rls")
    reply = await sock.join(name, {"postgres_changes": [{"event": "*", "schema": "public", "table": table}]},
                            token=token)
    assert reply["payload"]["status"] == "ok", reply
    await sock.until(lambda m: m["event"] == "system")
    return sock


def _change(message: dict) -> bool:
    return message["event"] == "postgres_changes"


async def test_policy_on_jsonb_and_enum_columns(live, admin_live):
    kind = unique("kind")
    await admin_live.execute(f"create type public.{kind} as enum ('open', 'hidden')")
    table = await published_table(admin_live, "docs", f"id int primary key, data jsonb, state public.{kind}")
    await admin_live.execute(f"alter table {table} enable row level security")
    await admin_live.execute(f"create policy own on {table} for select to authenticated "
                             "using (data->>'owner' = auth.uid()::text and state <> 'hidden')")
    ann, bob = str(uuid.uuid4()), str(uuid.uuid4())
    ann_sock, bob_sock = await _subscribe(live, table, user_token(ann)), await _subscribe(live, table, user_token(bob))
    rows = [(1, {"owner": ann}, "hidden"), (2, {"owner": bob}, "open"), (3, {"owner": ann}, "open")]
    for row_id, data, state in rows:
        await admin_live.execute(f"insert into {table} values ($1, $2::jsonb, $3)", row_id, json.dumps(data), state)
    seen_by_ann = await ann_sock.until(_change)
    seen_by_bob = await bob_sock.until(_change)
    assert seen_by_ann["payload"]["data"]["record"] == {"id": 3, "data": {"owner": ann}, "state": "open"}
    assert seen_by_bob["payload"]["data"]["record"]["id"] == 2
    await admin_live.execute(f"insert into {table} values (4, $1::jsonb, 'open')", json.dumps({"owner": bob}))
    assert (await bob_sock.until(_change))["payload"]["data"]["record"]["id"] == 4  # nothing else came between
    await ann_sock.close()
    await bob_sock.close()


async def test_unchanged_toasted_value_is_judged_and_sent(live, admin_live):
    table = await published_table(admin_live, "pages", "id int primary key, body text, hits int")
    await admin_live.execute(f"alter table {table} enable row level security")
    await admin_live.execute(f"create policy published on {table} for select to authenticated "
                             "using (body like 'public:%')")
    body = "public:" + secrets.token_hex(100_000)  # 200 kB of random text: stored out of line in TOAST
    await admin_live.execute(f"insert into {table} values (1, $1, 0)", body)
    sock = await _subscribe(live, table, user_token(str(uuid.uuid4())))
    await admin_live.execute(f"update {table} set hits = hits + 1 where id = 1")  # body is not in the new row's WAL
    update = await sock.until(lambda m: _change(m) and m["payload"]["data"]["type"] == "UPDATE")
    assert update["payload"]["data"]["record"]["hits"] == 1
    assert update["payload"]["data"]["record"]["body"] == body
    await sock.close()


async def test_policy_failing_for_one_subscriber_hides_rows_from_that_one_only(live, admin_live):
    table = await published_table(admin_live, "fragile", "id int primary key, owner uuid")
    await admin_live.execute(f"alter table {table} enable row level security")
    broken = str(uuid.uuid4())
    # for one user the policy divides by zero: that user sees nothing, everybody else is unaffected
    await admin_live.execute(f"create policy p on {table} for select to authenticated using "
                             f"(case when auth.uid() = '{broken}' then id / (id - id) = 1 else true end)")
    fine = await _subscribe(live, table, user_token(str(uuid.uuid4())))
    failing = await _subscribe(live, table, user_token(broken))
    for row_id in (1, 2):
        await admin_live.execute(f"insert into {table} values ($1, null)", row_id)
        assert (await fine.until(_change))["payload"]["data"]["record"]["id"] == row_id
    await failing.push("phoenix", "heartbeat", {})
    first = await failing.until(lambda m: m["event"] in ("phx_reply", "postgres_changes"))
    assert first["event"] == "phx_reply"  # no change reached it before the heartbeat's reply
    await fine.close()
    await failing.close()


async def test_table_altered_between_changes(live, admin_live):
    table = await published_table(admin_live, "grows", "id int primary key, owner uuid")
    await admin_live.execute(f"alter table {table} enable row level security")
    await admin_live.execute(f"create policy own on {table} for select to authenticated using (owner = auth.uid())")
    user = str(uuid.uuid4())
    sock = await _subscribe(live, table, user_token(user))
    await admin_live.execute(f"insert into {table} values (1, $1)", uuid.UUID(user))
    assert (await sock.until(_change))["payload"]["data"]["record"] == {"id": 1, "owner": user}
    await admin_live.execute(f"alter table {table} add column label text default 'new'")
    await admin_live.execute(f"alter table {table} alter column id type bigint")
    await admin_live.execute(f"insert into {table} values (2, $1, 'second')", uuid.UUID(user))
    await admin_live.execute(f"insert into {table} values (3, null, 'not yours')")
    await admin_live.execute(f"insert into {table} values (4, $1, 'fourth')", uuid.UUID(user))
    second = await sock.until(_change)
    assert second["payload"]["data"]["record"] == {"id": 2, "owner": user, "label": "second"}
    assert (await sock.until(_change))["payload"]["data"]["record"]["id"] == 4
    await sock.close()


async def test_column_grants_limit_what_a_subscriber_sees(live, admin_live):
    table = await published_table(admin_live, "staff", "id int primary key, name text, salary int")
    await admin_live.execute(f"revoke select on {table} from authenticated")
    await admin_live.execute(f"grant select (id, name) on {table} to authenticated")
    await admin_live.execute(f"alter table {table} enable row level security")
    await admin_live.execute(f"create policy everyone on {table} for select using (true)")
    user = await _subscribe(live, table, user_token(str(uuid.uuid4())))
    service = await _subscribe(live, table, user_token(str(uuid.uuid4()), role="service_role"))
    await admin_live.execute(f"insert into {table} values (1, 'ann', 5000)")
    await admin_live.execute(f"update {table} set salary = 6000 where id = 1")
    insert = (await user.until(_change))["payload"]["data"]
    assert insert["record"] == {"id": 1, "name": "ann"}
    assert [c["name"] for c in insert["columns"]] == ["id", "name"]
    update = (await user.until(_change))["payload"]["data"]
    assert update["record"] == {"id": 1, "name": "ann"} and update["old_record"] == {"id": 1, "name": "ann"}
    full = (await service.until(_change))["payload"]["data"]
    assert full["record"] == {"id": 1, "name": "ann", "salary": 5000}
    await user.close()
    await service.close()


async def test_one_batch_of_visible_and_hidden_rows_for_many_users(live, admin_live):
    """One transaction of rows owned by different users, shared or not, and an UPDATE that takes a row
    from one owner to another: each subscriber (two sockets of one user, a filtered binding, a vsn 2.0.0
    socket, anon) gets exactly the rows its policy shows, in commit order, and nothing else."""
    table = await published_table(admin_live, "mixed", "id int primary key, owner uuid, shared boolean")
    await admin_live.execute(f"alter table {table} enable row level security")
    await admin_live.execute(f"create policy own_or_shared on {table} for select to authenticated "
                             "using (shared or owner = auth.uid())")
    ann, bob, cat = (str(uuid.uuid4()) for _ in range(3))
    owners = [ann, bob, cat, None]
    rows = [(n, owners[n % 4], n % 5 == 0) for n in range(1, 41)]

    async def subscribe(user: str | None, *, vsn: str = "1.0.0", row_filter: str | None = None) -> RawSocket:
        sock = await RawSocket.open(live, vsn)
        binding = {"event": "*", "schema": "public", "table": table}
        if row_filter:
            binding["filter"] = row_filter
        reply = await sock.join(unique("mix"), {"postgres_changes": [binding]},
                                token=user_token(user) if user else None)
        assert reply["payload"]["status"] == "ok", reply
        await sock.until(lambda m: m["event"] == "system")
        return sock

    socks = {"ann": await subscribe(ann), "ann again": await subscribe(ann), "bob": await subscribe(bob, vsn="2.0.0"),
             "cat above 20": await subscribe(cat, row_filter="id=gt.20"), "anon": await subscribe(None)}
    async with admin_live.transaction():  # one commit: the server reads and judges these rows as one batch
        await admin_live.executemany(f"insert into {table} values ($1, $2, $3)",
                                     [(n, uuid.UUID(o) if o else None, s) for n, o, s in rows])
        await admin_live.execute(f"update {table} set owner = $1 where id = 1", uuid.UUID(bob))  # ann's row -> bob
    await admin_live.execute(f"insert into {table} values (100, null, true)")  # seen by all but anon: the end

    def expected(user: str | None, above: int = 0) -> list[tuple[str, int]]:
        inserts = [("INSERT", n) for n, owner, shared in rows if n > above and (shared or owner == user)]
        update = [("UPDATE", 1)] if user == bob else []  # the row as committed is bob's: ann no longer sees it
        return inserts + update + [("INSERT", 100)]

    async def received(sock: RawSocket) -> list[tuple[str, int]]:
        got: list[tuple[str, int]] = []
        while not got or got[-1] != ("INSERT", 100):
            data = (await sock.until(_change))["payload"]["data"]
            got.append((data["type"], data["record"]["id"]))
        return got

    assert await received(socks["ann"]) == expected(ann)
    assert await received(socks["ann again"]) == expected(ann)
    assert await received(socks["bob"]) == expected(bob)
    assert await received(socks["cat above 20"]) == expected(cat, above=20)
    # anon has no policy: nothing of the batch, nor the marker; a heartbeat's reply comes first
    await socks["anon"].push("phoenix", "heartbeat", {})
    assert (await socks["anon"].until(lambda m: m["event"] in ("phx_reply", "postgres_changes")))["event"] == "phx_reply"
    for sock in socks.values():
        await sock.close()
