"""What a Supabase project holds, read from its database: the app's schemas and tables with row counts,
auth's users, identities and MFA factors, storage's buckets and objects, the extensions it uses.

Supabase keeps its own machinery in schemas an app never owns; those are skipped, each with the reason
the plan prints. Everything else in the database is the app's and comes along.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import asyncpg

# Supabase's own schemas, and why an import leaves each behind.
SUPABASE_SCHEMAS = {
    "auth": "Supabase Auth: users, identities and MFA factors are imported as rows, the rest is ours",
    "storage": "Supabase Storage: buckets, objects and policies are imported, the rest is ours",
    "realtime": "Supabase Realtime's own tables (ours are created by Oricol)",
    "_realtime": "Supabase Realtime's tenant data",
    "_analytics": "Supabase's log analytics (Logflare)",
    "extensions": "extension objects, created again by CREATE EXTENSION where available",
    "graphql": "pg_graphql (not run by Oricol)",
    "graphql_public": "pg_graphql (not run by Oricol)",
    "pgbouncer": "Supabase's connection pooler",
    "pgsodium": "pgsodium (not run by Oricol)",
    "pgsodium_masks": "pgsodium (not run by Oricol)",
    "vault": "Supabase Vault (pgsodium; not run by Oricol)",
    "supabase_functions": "Supabase database webhooks (not run by Oricol)",
    "supabase_migrations": "the Supabase CLI's migration history",
    "net": "pg_net (not run by Oricol)",
    "cron": "pg_cron (not run by Oricol)",
    "helpdesk": "the Oricol Helpdesk's own schema (created by Oricol)",
    "helpdesk_private": "the Oricol Helpdesk's own schema (created by Oricol)",
    "oricol": "Oricol's own bookkeeping (when the source is an Oricol installation)",
    "oricol_import": "this importer's bookkeeping",
    "oricol_studio": "Oricol Studio's sessions",
}
# Extensions every Supabase project has that Oricol provides otherwise or does not need.
BUILT_IN_EXTENSIONS = {"plpgsql", "pg_graphql", "pg_stat_statements", "pgsodium", "supabase_vault", "pgjwt",
                       "pg_net", "pg_cron", "uuid-ossp", "pgcrypto"}

AUTH_TABLES = ("users", "identities", "mfa_factors")
# The Oricol Helpdesk's buckets, and the schemas whose functions its triggers and storage policies call:
# every installation creates them itself, so they never move (when the source is an Oricol installation).
OWN_BUCKET_PREFIX = "helpdesk-"
OWN_FUNCTION_SCHEMAS = ("auth", "storage", "realtime", "extensions", "supabase_functions", "helpdesk",
                        "helpdesk_private", "oricol")


@dataclass(frozen=True)
class Table:
    schema: str
    name: str
    rows: int


@dataclass(frozen=True)
class ObjectRow:
    id: str
    bucket: str
    name: str
    version: str | None
    size: int
    etag: str | None


@dataclass
class Inventory:
    schemas: list[str]
    tables: list[Table]
    auth_rows: dict[str, int]
    buckets: list[str]
    objects: list[ObjectRow]
    extensions: list[str]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (what, why)

    @property
    def object_bytes(self) -> int:
        return sum(o.size for o in self.objects)


async def read(conn: asyncpg.Connection) -> Inventory:
    schemas = [r["nspname"] for r in await conn.fetch(
        "select nspname from pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema' "
        "order by nspname")]
    app = [s for s in schemas if s not in SUPABASE_SCHEMAS]
    skipped = [(f"schema {s}", SUPABASE_SCHEMAS[s]) for s in schemas if s in SUPABASE_SCHEMAS]
    tables = []
    for row in await conn.fetch(
            "select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where c.relkind in ('r', 'p') and n.nspname = any($1::text[]) and not c.relispartition "
            "order by 1, 2", app):
        count = await conn.fetchval(f"select count(*) from {_qualified(row['nspname'], row['relname'])}")
        tables.append(Table(row["nspname"], row["relname"], count))
    auth_rows = {}
    for name in AUTH_TABLES:
        exists = await conn.fetchval("select to_regclass($1) is not null", f"auth.{name}")
        auth_rows[name] = await conn.fetchval(f"select count(*) from auth.{name}") if exists else 0
    buckets, objects = [], []
    if await conn.fetchval("select to_regclass('storage.objects') is not null"):
        every = [r["id"] for r in await conn.fetch("select id from storage.buckets order by id")]
        buckets = [b for b in every if not b.startswith(OWN_BUCKET_PREFIX)]
        skipped += [(f"bucket {b}", "the Oricol Helpdesk's own (created by Oricol)") for b in every if b not in buckets]
        for r in await conn.fetch("select id, bucket_id, name, version, metadata::text as metadata "
                                  "from storage.objects where bucket_id = any($1::text[]) order by bucket_id, name",
                                  buckets):
            meta = json.loads(r["metadata"] or "{}") or {}
            objects.append(ObjectRow(str(r["id"]), r["bucket_id"], r["name"], r["version"],
                                     int(meta.get("size") or meta.get("contentLength") or 0), meta.get("eTag")))
    extensions = [r["extname"] for r in await conn.fetch("select extname from pg_extension order by 1")]
    skipped += [(f"extension {e}", "provided by Oricol or not run by it") for e in extensions
                if e in BUILT_IN_EXTENSIONS]
    return Inventory(app, tables, auth_rows, buckets, objects,
                     [e for e in extensions if e not in BUILT_IN_EXTENSIONS], skipped)


def _qualified(schema: str, name: str) -> str:
    return '"' + schema.replace('"', '""') + '"."' + name.replace('"', '""') + '"'
