"""Reading both sides of `oricol import oricol-legacy`: the original app's tables in the source's `public`
schema, and what this installation already holds that the mapping must respect (users, members, branch
names, asset tags, stored objects, and what earlier runs imported).

Rows are read as `to_jsonb(row)`: the original app changed its tables over many migrations, and a
column one installation has and another lacks is then only a missing key, never a failed query.
"""
from __future__ import annotations

import asyncpg
import orjson

from oricol.sql import quote_ident

from .legacy_plan import DOCUMENTS_BUCKET, Legacy, LegacyError, Target

# The original app's tables this import maps, in the order the mapping needs them.
MAPPED = ("branches", "profiles", "user_roles", "tickets", "ticket_comments", "assets", "hardware_inventory",
          "licenses", "network_devices", "vpn_rdp_credentials", "documents", "chat_messages")
# The app's tables that must be there for a source to be the original app at all.
REQUIRED = ("tickets", "profiles")

BOOKKEEPING = """create schema if not exists oricol_import;
create table if not exists oricol_import.legacy_rows (
  source_table text not null,
  source_id text not null,
  target_id text not null,
  imported_at timestamptz not null default now(),
  primary key (source_table, source_id))"""


class NotLegacy(LegacyError):
    """The source has no original Oricol tables, or the target has no helpdesk."""


async def read_legacy(conn: asyncpg.Connection, schema: str = "public") -> Legacy:
    tables = {r["relname"] for r in await conn.fetch(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = $1 and c.relkind in ('r', 'p') and not c.relispartition", schema)}
    missing = [t for t in REQUIRED if t not in tables]
    if missing:
        raise NotLegacy(f"the source has no original Oricol app tables ({', '.join(schema + '.' + t for t in missing)} "
                        "missing)")
    rows = {}
    for table in MAPPED:
        if table in tables:
            qualified = f"{quote_ident(schema)}.{quote_ident(table)}"
            records = await conn.fetch(f"select to_jsonb(t)::text as row from {qualified} t")
            rows[table] = [orjson.loads(r["row"]) for r in records]
    others = {}
    for table in sorted(tables - set(MAPPED)):
        others[table] = await conn.fetchval(f"select count(*) from {quote_ident(schema)}.{quote_ident(table)}")
    users: dict[str, str | None] = {}
    if await conn.fetchval("select to_regclass('auth.users') is not null"):
        users = {str(r["id"]): r["email"] for r in await conn.fetch("select id, email from auth.users")}
    for profile in rows.get("profiles", []):  # a profile's email stands in where the source's auth is unreadable
        users.setdefault(str(profile.get("user_id")), profile.get("email"))
    return Legacy(rows, users, others)


def document_buckets(legacy: Legacy) -> list[str]:
    return sorted({d.get("storage_bucket") or "documents" for d in legacy.of("documents")})


async def read_target(conn: asyncpg.Connection, buckets: list[str]) -> Target:
    """Reads only (the dry run changes nothing); `buckets` are those the documents' files are in."""
    if not await conn.fetchval("select to_regclass('helpdesk.tickets') is not null"):
        raise NotLegacy("this installation has no helpdesk schema (ORICOL_HELPDESK=false?): start Oricol once with "
                        "the helpdesk on, then import")
    imported = {}
    if await conn.fetchval("select to_regclass('oricol_import.legacy_rows') is not null"):
        imported = {(r["source_table"], r["source_id"]): r["target_id"] for r in await conn.fetch(
            "select source_table, source_id, target_id from oricol_import.legacy_rows")}
    users = await conn.fetch("select id::text, lower(email) as email from auth.users")
    return Target(
        user_ids={r["id"] for r in users},
        user_by_email={r["email"]: r["id"] for r in users if r["email"]},
        members={r["user_id"] for r in await conn.fetch("select user_id::text from helpdesk.members")},
        imported=imported,
        branch_by_name={r["name"]: r["id"] for r in await conn.fetch(
            "select lower(name) as name, id::text from helpdesk.branches")},
        asset_tags={r["tag"] for r in await conn.fetch("select lower(tag) as tag from helpdesk.assets")},
        objects={(r["bucket_id"], r["name"]) for r in await conn.fetch(
            "select bucket_id, name from storage.objects where bucket_id = any($1::text[])",
            [*buckets, DOCUMENTS_BUCKET])},
    )
