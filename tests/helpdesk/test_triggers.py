"""Derived facts written by triggers: members on sign-up, ticket numbers, history, asset assignments,
in-app notifications, updated_at; and the schema is what the migrations promise (RLS everywhere)."""
from __future__ import annotations

import json

import asyncpg
import pytest

from .sqlas import as_member, member


async def test_sign_up_creates_a_requester_member(admin):
    user_id = await admin.fetchval("insert into auth.users (email, raw_user_meta_data) values "
                                   "('new.person@example.com', '{\"full_name\": \"New Person\"}') returning id")
    row = await admin.fetchrow("select role::text, full_name, email, active from helpdesk.members where user_id = $1", user_id)
    assert dict(row) == {"role": "requester", "full_name": "New Person", "email": "new.person@example.com", "active": True}
    await admin.execute("update auth.users set email = 'renamed@example.com' where id = $1", user_id)
    assert await admin.fetchval("select email from helpdesk.members where user_id = $1", user_id) == "renamed@example.com"
    await admin.execute("delete from auth.users where id = $1", user_id)
    assert await admin.fetchval("select count(*) from helpdesk.members where user_id = $1", user_id) == 0


async def test_every_table_has_rls_and_anon_has_no_privileges(admin):
    rows = await admin.fetch("select c.relname, c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                             "where n.nspname = 'helpdesk' and c.relkind = 'r'")
    assert len(rows) >= 33 and all(r["relrowsecurity"] for r in rows), [r["relname"] for r in rows if not r["relrowsecurity"]]
    granted = await admin.fetchval("select count(*) from information_schema.role_table_grants "
                                   "where table_schema = 'helpdesk' and grantee = 'anon'")
    assert granted == 0


async def test_ticket_numbers_are_sequential_and_not_chosen_by_callers(admin):
    req = await member(admin, "requester")
    numbers = []
    for title in ("one", "two", "three"):
        rows = await as_member(admin, req, "insert into helpdesk.tickets (title, requester_id, number) "
                                           "values ($1, $2, 'HD-7') returning number", title, req)
        numbers.append(int(rows[0]["number"].removeprefix("HD-")))
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2] and numbers[0] >= 1001
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_member(admin, req, "update helpdesk.tickets set number = 'HD-1' where title = 'one'")


async def test_updated_at_moves_on_change_not_on_breach_flags(admin):
    agent = await member(admin, "agent")
    ticket = await admin.fetchval("insert into helpdesk.tickets (title, updated_at, created_at) values "
                                  "('t', now() - interval '1 day', now() - interval '1 day') returning id")
    before = await admin.fetchval("select updated_at from helpdesk.tickets where id = $1", ticket)
    await admin.execute("update helpdesk.tickets set first_response_breached = true where id = $1", ticket)
    assert await admin.fetchval("select updated_at from helpdesk.tickets where id = $1", ticket) == before
    await as_member(admin, agent, "update helpdesk.tickets set title = 'renamed' where id = $1", ticket)
    assert await admin.fetchval("select updated_at > $2 from helpdesk.tickets where id = $1", ticket, before)


async def test_status_times_and_requester_reply_reopens(admin):
    req, agent = await member(admin, "requester"), await member(admin, "agent")
    ticket = (await as_member(admin, req, "insert into helpdesk.tickets (title, requester_id) values ('x', $1) "
                                          "returning id", req))[0]["id"]
    await as_member(admin, agent, "update helpdesk.tickets set status = 'resolved' where id = $1", ticket)
    row = await admin.fetchrow("select status::text, resolved_at, closed_at from helpdesk.tickets where id = $1", ticket)
    assert row["status"] == "resolved" and row["resolved_at"] is not None and row["closed_at"] is None
    await as_member(admin, req, "insert into helpdesk.ticket_comments (ticket_id, body) values ($1, 'still broken')", ticket)
    row = await admin.fetchrow("select status::text, resolved_at from helpdesk.tickets where id = $1", ticket)
    assert row["status"] == "open" and row["resolved_at"] is None
    kinds = [tuple(r) for r in await admin.fetch("select kind, field, old_value, new_value from helpdesk.ticket_events "
                                                 "where ticket_id = $1 order by id", ticket)]
    assert kinds == [("created", None, None, "new"), ("changed", "status", "new", "resolved"),
                     ("changed", "status", "resolved", "open")]


async def test_comment_notifications_reach_the_other_party(admin):
    req, agent = await member(admin, "requester"), await member(admin, "agent")
    ticket = (await as_member(admin, agent, "insert into helpdesk.tickets (title, requester_id, assignee_id) "
                                            "values ('n', $1, $2) returning id", req, agent))[0]["id"]
    await as_member(admin, req, "insert into helpdesk.ticket_comments (ticket_id, body) values ($1, 'hello')", ticket)
    await as_member(admin, agent, "insert into helpdesk.ticket_comments (ticket_id, body, internal) "
                                  "values ($1, 'note', true)", ticket)
    rows = [tuple(r) for r in await admin.fetch("select member_id, kind from helpdesk.notifications where ticket_id = $1 "
                                                "order by created_at, kind", ticket)]
    assert (agent, "comment") in rows and (req, "comment") not in rows
    assert not [r for r in rows if r == (req, "internal_note")]
    mine = await as_member(admin, req, "select kind from helpdesk.notifications")
    assert all(r["kind"] != "internal_note" for r in mine)
    await as_member(admin, req, "update helpdesk.notifications set read_at = now()")
    assert await admin.fetchval("select count(*) from helpdesk.notifications where member_id = $1 and read_at is null", req) == 0


async def test_asset_assignment_history(admin):
    agent, alice, bob = await member(admin, "agent"), await member(admin, "requester"), await member(admin, "requester")
    asset = (await as_member(admin, agent, "insert into helpdesk.assets (tag, name, assigned_to, status) "
                                           "values ('LT-1', 'Laptop', $1, 'deployed') returning id", alice))[0]["id"]
    await as_member(admin, agent, "update helpdesk.assets set assigned_to = $2 where id = $1", asset, bob)
    await as_member(admin, agent, "update helpdesk.assets set notes = 'dented' where id = $1", asset)
    rows = await admin.fetch("select member_id, released_at is not null as released, assigned_by from "
                             "helpdesk.asset_assignments where asset_id = $1 order by assigned_at, released_at nulls last", asset)
    assert [(r["member_id"], r["released"], r["assigned_by"]) for r in rows] == [(alice, True, agent), (bob, False, agent)]
    own = await as_member(admin, bob, "select tag from helpdesk.assets")
    assert [r["tag"] for r in own] == ["LT-1"]
    assert await as_member(admin, alice, "select tag from helpdesk.assets") == []
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_member(admin, agent, "insert into helpdesk.asset_assignments (asset_id, member_id) values ($1, $2)",
                        asset, alice)


async def test_deactivated_member_loses_access(admin):
    req = await member(admin, "requester")
    await as_member(admin, req, "insert into helpdesk.tickets (title, requester_id) values ('mine', $1)", req)
    await admin.execute("update helpdesk.members set active = false where user_id = $1", req)
    assert await as_member(admin, req, "select id from helpdesk.tickets") == []


async def test_dashboard_stats_count_what_the_caller_sees(admin):
    req, other, agent, manager = (await member(admin, "requester"), await member(admin, "requester"),
                                  await member(admin, "agent"), await member(admin, "manager"))
    for title, who, status in (("a", req, "open"), ("b", req, "resolved"), ("c", other, "open")):
        await admin.execute("insert into helpdesk.tickets (title, requester_id, assignee_id, status, resolved_at, "
                            "first_response_breached) values ($1, $2, $3, $4::helpdesk.ticket_status, "
                            "case when $4 = 'resolved' then now() end, $1 = 'c')", title, who, agent, status)
    stats = (await as_member(admin, manager, "select helpdesk.dashboard_stats(7) s"))[0]["s"]
    stats = json.loads(stats)
    assert stats["by_status"] == {"open": 2, "resolved": 1}
    assert stats["by_priority"] == {"normal": 2}
    assert len(stats["per_day"]) == 7 and stats["per_day"][-1]["created"] == 3 and stats["per_day"][-1]["resolved"] == 1
    assert stats["breaches"] == {"first_response": 1, "resolution": 0, "open_breached": 1}
    assert stats["agent_load"] == [{"assignee_id": str(agent), "full_name": await admin.fetchval(
        "select full_name from helpdesk.members where user_id = $1", agent), "open": 2}]
    mine = json.loads((await as_member(admin, req, "select helpdesk.dashboard_stats(7) s"))[0]["s"])
    assert mine["by_status"] == {"open": 1, "resolved": 1} and mine["breaches"]["open_breached"] == 0
