"""`oricol demo`: a believable organisation for trying the helpdesk and for its benchmark.

Everything is set-based SQL run as the database owner with `session_replication_role = replica`
(so the per-row triggers do not fire and foreign keys are not re-checked row by row: 100,000
tickets and a million comments load in well under a few minutes); what the triggers would derive
(ticket numbers, SLA due times, first responses, history rows, member rows) is written here in the
same statements instead. Members of each role share one generated password per role, printed once.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import asyncpg

from . import demo_sql as q
from .users import generate_password, hash_password

DOMAIN = "demo.oricol.example"  # .example is reserved (RFC 2606): no mail ever reaches a real person
ROLES = ("admin", "manager", "agent", "requester")


@dataclass
class Summary:
    passwords: dict[str, str]
    accounts: dict[str, list[str]]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class DemoError(ValueError):
    pass


def requesters_for(tickets: int) -> int:
    return max(40, min(5000, tickets // 80))


def agents_for(tickets: int) -> int:
    """About one agent per 2,500 tickets in 90 days (~28 a day each), 12 at least: a desk that copes."""
    return max(12, min(60, tickets // 2500))


async def load(conn: asyncpg.Connection, *, tickets: int = 2000, comments_per_ticket: float = 4.0,
               progress: Callable[[str], None] = lambda line: None) -> Summary:
    if tickets < 0 or comments_per_ticket < 0:
        raise DemoError("--tickets and --comments-per-ticket must not be negative")
    if await conn.fetchval("select 1 from helpdesk.settings where key = 'demo_loaded'"):
        raise DemoError("the demo organisation is loaded already (helpdesk.settings 'demo_loaded')")
    started = time.monotonic()
    passwords = {role: generate_password() for role in ROLES}
    hashes = {role: hash_password(pw) for role, pw in passwords.items()}
    async with conn.transaction():
        await conn.execute("set local session_replication_role = replica")
        await conn.execute("select setseed(0.42)")
        await conn.execute(q.ORGANISATION)
        progress("demo: branches, teams, categories, SLA policies, business hours")
        await conn.execute(q.MEMBERS[0], requesters_for(tickets),
                           hashes["admin"], hashes["manager"], hashes["agent"], hashes["requester"],
                           agents_for(tickets))
        for statement in q.MEMBERS[1:]:
            await _run(conn, statement, DOMAIN)
        progress("demo: members of every role")
        for statement in q.INVENTORY:
            await _run(conn, statement, DOMAIN)
        progress("demo: assets, software and licences, network devices, internet links, a diagram")
        await conn.execute(q.TICKETS, tickets)
        progress(f"demo: {tickets} tickets")
        await conn.execute(q.COMMENTS, comments_per_ticket)
        progress("demo: comments")
        for statement in q.HISTORY:
            await conn.execute(statement)
        progress("demo: history, time entries, watchers, notifications, chats")
        await conn.execute("insert into helpdesk.settings (key, value) values ('demo_loaded', to_jsonb(now()))")
    # Vacuum too: the visibility map lets the covering indexes answer counts without the heap.
    for table in ("tickets", "ticket_comments", "members", "ticket_events", "ticket_watchers"):
        await conn.execute(f"vacuum (analyze) helpdesk.{table}")  # names from our own list
    accounts = {role: [r["email"] for r in await conn.fetch(q.SAMPLE_ACCOUNTS, role, DOMAIN)] for role in ROLES}
    counts = {table: await conn.fetchval(f"select count(*) from helpdesk.{table}")  # names from our list
              for table in ("members", "tickets", "ticket_comments", "ticket_events", "assets")}
    return Summary(passwords=passwords, accounts=accounts, counts=counts, seconds=time.monotonic() - started)


async def _run(conn: asyncpg.Connection, statement: str, domain: str) -> None:
    """A statement that may or may not use the demo domain ($1)."""
    if "$1" in statement:
        await conn.execute(statement, domain)
    else:
        await conn.execute(statement)


def render_summary(summary: Summary) -> str:
    lines = [f"demo loaded in {summary.seconds:.1f} s: " +
             ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in summary.counts.items()), "",
             "Sign in with these accounts (passwords are shown once; every member of a role shares it):"]
    for role in ROLES:
        shown = ", ".join(summary.accounts[role][:3]) + (" …" if len(summary.accounts[role]) > 3 else "")
        lines.append(f"  {role:<9} password {summary.passwords[role]}   e.g. {shown}")
    return "\n".join(lines)
