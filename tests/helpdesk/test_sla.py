"""SLA: due times in business minutes (schedule, time zone, holidays), set at insert and on priority
change; pending/on_hold pause the clock; breach flags at response/resolution and by the periodic job."""
from __future__ import annotations

import datetime as dt

import asyncpg

from oricol.helpdesk.service import mark_breaches

from .sqlas import as_member, member

OFFICE = ('{"mon": [["08:00", "12:00"], ["13:00", "17:00"]], "tue": [["08:00", "17:00"]], '
          '"wed": [["08:00", "17:00"]], "thu": [["08:00", "17:00"]], "fri": [["08:00", "17:00"]]}')
SAST = dt.timezone(dt.timedelta(hours=2))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SAST)


async def _office(admin, holidays=()) -> object:
    hours = await admin.fetchval("insert into helpdesk.business_hours (name, timezone, schedule) "
                                 "values ('Office', 'Africa/Johannesburg', $1::jsonb) returning id", OFFICE)
    for day in holidays:
        await admin.execute("insert into helpdesk.holidays (business_hours_id, day) values ($1, $2)", hours, day)
    return hours


async def test_business_minutes_skip_nights_weekends_lunch_and_holidays(admin):
    hours = await _office(admin, holidays=[dt.date(2026, 12, 16)])
    add = "select helpdesk.add_business_minutes($1, $2, $3)"
    assert await admin.fetchval(add, at("2026-12-04T16:30:00"), 60, hours) == at("2026-12-07T08:30:00")  # Fri -> Mon
    assert await admin.fetchval(add, at("2026-12-07T11:30:00"), 60, hours) == at("2026-12-07T13:30:00")  # lunch
    assert await admin.fetchval(add, at("2026-12-07T06:00:00"), 30, hours) == at("2026-12-07T08:30:00")  # before opening
    assert await admin.fetchval(add, at("2026-12-15T16:00:00"), 120, hours) == at("2026-12-17T09:00:00")  # holiday
    assert await admin.fetchval(add, at("2026-12-05T10:00:00"), 0, hours) == at("2026-12-07T08:00:00")  # Sat -> Mon open
    assert await admin.fetchval(add, at("2026-12-05T10:00:00"), 90, None) == at("2026-12-05T11:30:00")  # 24x7


async def test_due_times_at_insert_and_on_priority_change(admin):
    hours = await _office(admin)
    await admin.execute("insert into helpdesk.sla_policies (priority, first_response_minutes, resolution_minutes, "
                        "business_hours_id) values ('normal', 60, 480, $1), ('urgent', 15, 120, null)", hours)
    created = at("2026-12-04T16:30:00")
    ticket = await admin.fetchval("insert into helpdesk.tickets (title, created_at) values ('t', $1) returning id", created)
    row = await admin.fetchrow("select first_response_due_at, resolution_due_at from helpdesk.tickets where id = $1", ticket)
    assert row["first_response_due_at"] == at("2026-12-07T08:30:00")
    assert row["resolution_due_at"] == at("2026-12-07T16:30:00")  # 30 min Fri + 7.5 h Mon (lunch skipped)
    await admin.execute("update helpdesk.tickets set priority = 'urgent' where id = $1", ticket)
    row = await admin.fetchrow("select first_response_due_at, resolution_due_at from helpdesk.tickets where id = $1", ticket)
    assert row["first_response_due_at"] == created + dt.timedelta(minutes=15)
    assert row["resolution_due_at"] == created + dt.timedelta(minutes=120)


async def test_pending_pauses_the_clock_and_resume_shifts_due_times(admin):
    await admin.execute("insert into helpdesk.sla_policies (priority, first_response_minutes, resolution_minutes) "
                        "values ('normal', 60, 600)")
    agent = await member(admin, "agent")
    ticket = (await as_member(admin, agent, "insert into helpdesk.tickets (title) values ('p') returning id"))[0]["id"]
    due = await admin.fetchrow("select first_response_due_at f, resolution_due_at r from helpdesk.tickets where id = $1", ticket)
    await as_member(admin, agent, "update helpdesk.tickets set status = 'pending' where id = $1", ticket)
    assert await admin.fetchval("select sla_paused_at is not null from helpdesk.tickets where id = $1", ticket)
    # pretend the pause began 3 hours ago
    await admin.execute("update helpdesk.tickets set sla_paused_at = sla_paused_at - interval '3 hours' where id = $1", ticket)
    await as_member(admin, agent, "update helpdesk.tickets set status = 'on_hold' where id = $1", ticket)  # still paused
    await as_member(admin, agent, "update helpdesk.tickets set status = 'open' where id = $1", ticket)
    row = await admin.fetchrow("select first_response_due_at f, resolution_due_at r, sla_paused_at, sla_paused_total "
                               "from helpdesk.tickets where id = $1", ticket)
    assert row["sla_paused_at"] is None
    assert dt.timedelta(hours=3) <= row["sla_paused_total"] < dt.timedelta(hours=3, seconds=30)
    assert row["f"] - due["f"] == row["sla_paused_total"] and row["r"] - due["r"] == row["sla_paused_total"]
    # a priority change later keeps the paused time
    await as_member(admin, agent, "update helpdesk.tickets set priority = 'low' where id = $1", ticket)
    await as_member(admin, agent, "update helpdesk.tickets set priority = 'normal' where id = $1", ticket)
    assert await admin.fetchval("select resolution_due_at from helpdesk.tickets where id = $1", ticket) == row["r"]


async def test_breach_flags_from_response_resolution_and_the_periodic_check(admin, db_url):
    await admin.execute("insert into helpdesk.sla_policies (priority, first_response_minutes, resolution_minutes) "
                        "values ('high', 10, 60)")
    agent, req = await member(admin, "agent"), await member(admin, "requester")
    late, paused, on_time = [
        await admin.fetchval("insert into helpdesk.tickets (title, priority, requester_id, created_at) "
                             "values ($1, 'high', $2, now() - $3::text::interval) returning id", title, req, ago)
        for title, ago in (("late", "2 hours"), ("paused", "2 hours"), ("on time", "1 minute"))]
    await as_member(admin, agent, "update helpdesk.tickets set status = 'pending' where id = $1", paused)
    pool = await asyncpg.create_pool(db_url, min_size=1, max_size=1)  # as the service's job uses its pool
    try:
        assert await mark_breaches(pool) == 2  # late: both flags; paused and on time: none
        assert await mark_breaches(pool) == 0
    finally:
        await pool.close()
    flags = {r["title"]: (r["first_response_breached"], r["resolution_breached"]) for r in await admin.fetch(
        "select title, first_response_breached, resolution_breached from helpdesk.tickets")}
    assert flags == {"late": (True, True), "paused": (False, False), "on time": (False, False)}
    await as_member(admin, agent, "insert into helpdesk.ticket_comments (ticket_id, body) values ($1, 'hi')", on_time)
    await as_member(admin, agent, "update helpdesk.tickets set status = 'resolved' where id = $1", on_time)
    row = await admin.fetchrow("select first_responded_at, first_response_breached, resolution_breached "
                               "from helpdesk.tickets where id = $1", on_time)
    assert row["first_responded_at"] is not None
    assert (row["first_response_breached"], row["resolution_breached"]) == (False, False)
