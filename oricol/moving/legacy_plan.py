"""The shape every part of `oricol import oricol-legacy` shares: what was read (legacy rows and facts about
the target), and what the mapping decided (rows for each helpdesk table, and the rows it could not map).

The mapping is pure: it turns a `Legacy` and a `Target` into a `Plan` without touching a database, so the
dry run (`--plan`) and the import print the same counts and the same report.
"""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field


# The helpdesk's roles from lowest to highest: a person with several original roles gets the highest.
class LegacyError(RuntimeError):
    """An import that cannot go on; nothing was changed (the message says why)."""


ROLE_ORDER = ("requester", "agent", "manager", "admin")
ROLE_OF = {"admin": "admin", "support_staff": "agent", "ceo": "manager", "cfo": "manager", "user": "requester"}
DOCUMENTS_BUCKET = "helpdesk-documents"


@dataclass
class Legacy:
    """The original app's rows (each as its `to_jsonb`, so columns later migrations added or dropped
    are simply present or absent), keyed by table name; and the source's users (id -> email)."""
    rows: dict[str, list[dict]]
    users: dict[str, str | None]
    other_tables: dict[str, int]  # tables the import has no place for -> their row counts

    def of(self, table: str) -> list[dict]:
        return self.rows.get(table, [])


@dataclass
class Target:
    """What the import needs to know about this installation before it decides anything."""
    user_ids: set[str]
    user_by_email: dict[str, str]
    members: set[str]
    imported: dict[tuple[str, str], str]  # (legacy table, legacy id) -> our id, from earlier runs
    branch_by_name: dict[str, str]
    asset_tags: set[str]
    objects: set[tuple[str, str]]  # (bucket, name) present in this installation's storage


@dataclass(frozen=True)
class Unmapped:
    table: str
    id: str
    why: str


@dataclass
class Plan:
    rows: dict[str, list[dict]] = field(default_factory=dict)  # helpdesk table -> rows to insert
    members: list[dict] = field(default_factory=list)  # updates of existing or new member rows
    new_members: list[dict] = field(default_factory=list)  # users here without a member row yet
    moves: list[tuple[str, str, str]] = field(default_factory=list)  # (bucket, name, new name) of objects
    done: list[tuple[str, str, str]] = field(default_factory=list)  # (legacy table, legacy id, our id)
    unmapped: list[Unmapped] = field(default_factory=list)
    already: int = 0  # legacy rows an earlier run imported

    def add(self, table: str, row: dict) -> None:
        self.rows.setdefault(table, []).append(row)

    def record(self, legacy_table: str, legacy_id: str, ours: str) -> None:
        self.done.append((legacy_table, str(legacy_id), str(ours)))

    def skip(self, legacy_table: str, legacy_id, why: str) -> None:
        self.unmapped.append(Unmapped(legacy_table, str(legacy_id), why))

    def count(self, table: str) -> int:
        return len(self.rows.get(table, []))

    def roles(self) -> Counter:
        return Counter(m["role"] for m in self.members)


class Ids:
    """Legacy id -> our id for one run: what this run maps, then what earlier runs imported."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.mapped: dict[tuple[str, str], str] = {}

    def set(self, table: str, legacy_id, ours) -> None:
        self.mapped[(table, str(legacy_id))] = str(ours)

    def get(self, table: str, legacy_id) -> str | None:
        if legacy_id is None:
            return None
        key = (table, str(legacy_id))
        return self.mapped.get(key) or self.target.imported.get(key)


def new_id() -> str:
    return str(uuid.uuid4())


def text(value) -> str | None:
    """A legacy value as trimmed text, or None when it is empty."""
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def extras(row: dict, labels: dict[str, str]) -> list[str]:
    """`Label: value` lines for the legacy columns our table has no column for, so nothing is lost."""
    return [f"{label}: {row[key]}" for key, label in labels.items() if text(row.get(key)) is not None]


def joined(*parts: str | None, sep: str = "\n") -> str | None:
    kept = [p for p in parts if p]
    return sep.join(kept) if kept else None


class Context:
    """One mapping run: the inputs, the plan being built and the id map, with the people lookups that
    every table needs (the original app points at users in some tables and at profiles in others)."""

    def __init__(self, legacy: Legacy, target: Target) -> None:
        self.legacy, self.target = legacy, target
        self.plan = Plan()
        self.ids = Ids(target)
        self._queued: set[str] = set()

    def local_user(self, legacy_user_id) -> str | None:
        """The user here: the same id (the same installation, or users brought by `oricol import supabase`),
        else the user with the same email."""
        if legacy_user_id is None:
            return None
        legacy_user_id = str(legacy_user_id)
        if legacy_user_id in self.target.user_ids:
            return legacy_user_id
        email = (self.legacy.users.get(legacy_user_id) or "").lower()
        return self.target.user_by_email.get(email) if email else None

    def member(self, legacy_user_id) -> str | None:
        """A member id for a legacy user, making sure the member row exists."""
        user = self.local_user(legacy_user_id)
        if user and user not in self.target.members and user not in self._queued:
            self._queued.add(user)
            self.plan.new_members.append({"user_id": user})
        return user

    def member_of_profile(self, profile_id) -> str | None:
        user = self.ids.get("profiles", profile_id)
        return self.member(user) if user else None

    def seen(self, table: str, row: dict) -> bool:
        """True when an earlier run imported this row (counted, not mapped again)."""
        if (table, str(row["id"])) in self.target.imported:
            self.plan.already += 1
            return True
        return False
