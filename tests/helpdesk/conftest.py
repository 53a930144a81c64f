"""A small organisation on the live server: real users of every role, signed in with supabase-py.

The live server's database is shared by the whole session, so everything here is uniquely named
(emails, team, the words in ticket titles) and tests judge only the rows they made.
"""
from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field

import asyncpg
import pytest
from supabase import Client, create_client

from oricol.helpdesk import users

ROLES = {"req_a": "requester", "req_b": "requester", "agent": "agent", "team_agent": "agent",
         "manager": "manager", "admin": "admin"}


@dataclass
class Person:
    key: str
    email: str
    password: str
    user_id: str
    client: Client | None = None

    @property
    def token(self) -> str:
        return self.client.auth.get_session().access_token

    @property
    def hd(self):
        """The helpdesk schema through supabase-py, as this person."""
        return self.client.schema("helpdesk")


@dataclass
class Org:
    tag: str  # a word unique to this organisation, used in titles so searches find only ours
    people: dict[str, Person]
    team_id: str
    other_team_id: str
    ids: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Person:
        return self.people[key]


def sign_in(live, person: Person) -> Person:
    client = create_client(live.url, live.anon_key)
    client.auth.sign_in_with_password({"email": person.email, "password": person.password})
    person.client = client
    return person


async def _make(live) -> Org:
    tag = "zq" + secrets.token_hex(4)
    conn = await asyncpg.connect(live.config.core.database_url)
    try:
        team = await conn.fetchval("insert into helpdesk.teams (name) values ($1) returning id::text", f"Team {tag}")
        other = await conn.fetchval("insert into helpdesk.teams (name) values ($1) returning id::text", f"Other {tag}")
        people = {}
        for key, role in ROLES.items():
            password = secrets.token_urlsafe(12)
            added = await users.add(conn, f"{key}.{tag}@example.com", role, password=password, name=f"{key} {tag}")
            people[key] = Person(key, added.email, password, str(added.user_id))
        await conn.execute("update helpdesk.members set team_id = $1 where user_id = $2::uuid", team,
                           people["team_agent"].user_id)
    finally:
        await conn.close()
    return Org(tag=tag, people=people, team_id=team, other_team_id=other)


@pytest.fixture(scope="module")
def org(live) -> Org:
    made = asyncio.run(_make(live))
    for person in made.people.values():
        sign_in(live, person)
    return made


@pytest.fixture(scope="module")
def tickets(org) -> dict[str, dict]:
    """A's ticket (with a public reply and an internal note by the agent), B's ticket, and a ticket of
    another team than the team agent's."""
    a = org["req_a"].hd.table("tickets").insert(
        {"title": f"Printer {org.tag} alpha", "description": "jams", "requester_id": org["req_a"].user_id}).execute().data[0]
    b = org["req_b"].hd.table("tickets").insert(
        {"title": f"Laptop {org.tag} bravo", "description": "secret of B", "requester_id": org["req_b"].user_id}
    ).execute().data[0]
    other = org["agent"].hd.table("tickets").insert(
        {"title": f"Switch {org.tag} charlie", "requester_id": org["req_b"].user_id, "team_id": org.other_team_id}
    ).execute().data[0]
    agent = org["agent"].hd.table("ticket_comments")
    agent.insert({"ticket_id": a["id"], "body": f"public reply {org.tag}"}).execute()
    agent.insert({"ticket_id": a["id"], "body": f"internal {org.tag} note", "internal": True}).execute()
    return {"a": a, "b": b, "other": other}
