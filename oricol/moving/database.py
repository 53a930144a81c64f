"""The database half of an import, as ONE transaction on the target: it lands whole or not at all.

Order: the extensions the app uses (those this server has), the app schemas' definitions without
indexes, constraints, triggers and policies (pg_dump's pre-data), the rows of auth (users with their
bcrypt hashes, identities, MFA factors), of the app's tables and of storage's buckets and objects,
then pg_dump's post-data (keys, indexes, triggers, RLS policies), sequence positions, the app's own
triggers on auth/storage tables and policies on storage tables, and realtime publication membership.
Rows move with COPY in text form (so types that differ in width between Supabase and us still fit),
column by column where both sides have the column.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Callable

import asyncpg

from oricol.backup import tools
from oricol.sql import quote_ident

from .source import AUTH_TABLES, OWN_FUNCTION_SCHEMAS, Inventory

Progress = Callable[[str], None]
SPOOL_BYTES = 64 * 1024 * 1024
CREATE_SCHEMA = re.compile(r"^CREATE SCHEMA ([^ ;]+);$")


def q(schema: str, name: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(name)}"


async def dump_section(source_url: str, schemas: list[str], section: str, bindir: Path | None) -> str:
    """pg_dump's DDL for the app schemas, owners left out (our roles own what we create)."""
    if not schemas:
        return ""
    script = await tools.run("pg_dump", "--schema-only", f"--section={section}", "--no-owner",
                             *[f"--schema={s}" for s in schemas], url=source_url, bindir=bindir)
    # Newer pg_dump brackets a plain script with psql's \restrict/\unrestrict, which only psql reads; and
    # `public` exists in every database, so its CREATE SCHEMA must not fail.
    lines = [line for line in script.splitlines() if not line.startswith("\\")]
    return "\n".join(CREATE_SCHEMA.sub(r"CREATE SCHEMA IF NOT EXISTS \1;", line) for line in lines)


async def columns(conn: asyncpg.Connection, schema: str, table: str) -> list[str]:
    return [r["attname"] for r in await conn.fetch(
        "select attname from pg_attribute where attrelid = to_regclass($1) and attnum > 0 and not attisdropped "
        "and attgenerated = '' order by attnum", q(schema, table))]


async def copy_table(source: asyncpg.Connection, target: asyncpg.Connection, schema: str, table: str,
                     where: str = "", *args) -> int:
    """Rows of one table (those `where` picks), through a spooled file; only the columns both sides have."""
    theirs, ours = await columns(source, schema, table), await columns(target, schema, table)
    shared = [c for c in theirs if c in ours]
    if not shared:
        return 0
    listed = ", ".join(quote_ident(c) for c in shared)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        await source.copy_from_query(f"select {listed} from {q(schema, table)} {where}", *args, output=spool,
                                     format="text")
        spool.seek(0)
        status = await target.copy_to_table(table, schema_name=schema, source=spool, columns=shared,
                                            format="text")
    return int(status.split()[-1])


async def _sequences(source: asyncpg.Connection, target: asyncpg.Connection, schemas: list[str]) -> None:
    for row in await source.fetch("select schemaname, sequencename from pg_sequences "
                                  "where schemaname = any($1::text[])", schemas):
        name = q(row["schemaname"], row["sequencename"])
        state = await source.fetchrow(f"select last_value, is_called from {name}")
        await target.execute("select setval($1::regclass, $2, $3)", name, state["last_value"], state["is_called"])


async def _trigger_rows(source: asyncpg.Connection) -> list[asyncpg.Record]:
    """The app's triggers on auth and storage tables (e.g. a profile row for each new user)."""
    return await source.fetch(
        "select t.tgname, c.relname, n.nspname, pg_get_triggerdef(t.oid) as def from pg_trigger t "
        "join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace "
        "join pg_proc p on p.oid = t.tgfoid join pg_namespace pn on pn.oid = p.pronamespace "
        "where not t.tgisinternal and n.nspname in ('auth', 'storage') and pn.nspname <> all($1::text[]) "
        "order by 3, 2, 1", list(OWN_FUNCTION_SCHEMAS))


async def outside_triggers_sql(source: asyncpg.Connection) -> list[str]:
    return [row["def"] for row in await _trigger_rows(source)]


async def _outside_triggers(source: asyncpg.Connection, target: asyncpg.Connection) -> list[str]:
    made = []
    for row in await _trigger_rows(source):
        exists = await target.fetchval("select 1 from pg_trigger where tgrelid = to_regclass($1) and tgname = $2",
                                       q(row["nspname"], row["relname"]), row["tgname"])
        if not exists:
            await target.execute(row["def"])
            made.append(f"{row['nspname']}.{row['relname']}: {row['tgname']}")
    return made


async def _policy_rows(source: asyncpg.Connection) -> list[asyncpg.Record]:
    # The Oricol Helpdesk's own policies (on its buckets, through its functions) are every installation's.
    return await source.fetch("select tablename, policyname, permissive, roles::text[] as roles, cmd, qual, "
                              "with_check from pg_policies where schemaname = 'storage' "
                              "and concat(qual, ' ', with_check) !~ 'helpdesk' order by 1, 2")


def _policy_sql(p: asyncpg.Record) -> str:
    roles = ", ".join("public" if r == "public" else quote_ident(r) for r in p["roles"])
    sql = (f"create policy {quote_ident(p['policyname'])} on {q('storage', p['tablename'])} as {p['permissive']} "
           f"for {p['cmd']} to {roles}")
    sql += f" using ({p['qual']})" if p["qual"] else ""
    return sql + (f" with check ({p['with_check']})" if p["with_check"] else "")


async def storage_policies_sql(source: asyncpg.Connection) -> list[str]:
    return [_policy_sql(p) for p in await _policy_rows(source)]


async def _storage_policies(source: asyncpg.Connection, target: asyncpg.Connection) -> list[str]:
    made = []
    for p in await _policy_rows(source):
        exists = await target.fetchval("select 1 from pg_policies where schemaname = 'storage' and tablename = $1 "
                                       "and policyname = $2", p["tablename"], p["policyname"])
        if exists:
            continue
        await target.execute(_policy_sql(p))
        made.append(f"storage.{p['tablename']}: {p['policyname']}")
    return made


async def _published_rows(source: asyncpg.Connection, schemas: list[str]) -> list[asyncpg.Record]:
    return await source.fetch("select schemaname, tablename from pg_publication_tables where pubname = "
                              "'supabase_realtime' and schemaname = any($1::text[]) order by 1, 2", schemas)


def _publish_sql(row: asyncpg.Record) -> str:
    return f"alter publication supabase_realtime add table {q(row['schemaname'], row['tablename'])}"


async def publication_sql(source: asyncpg.Connection, schemas: list[str]) -> list[str]:
    return [_publish_sql(row) for row in await _published_rows(source, schemas)]


async def _publication(source: asyncpg.Connection, target: asyncpg.Connection, schemas: list[str]) -> list[str]:
    added = []
    for row in await _published_rows(source, schemas):
        present = await target.fetchval("select 1 from pg_publication_tables where pubname = 'supabase_realtime' "
                                        "and schemaname = $1 and tablename = $2", row["schemaname"], row["tablename"])
        if not present:
            await target.execute(_publish_sql(row))
            added.append(f"{row['schemaname']}.{row['tablename']}")
    return added


async def _extensions(target: asyncpg.Connection, wanted: list[str]) -> list[tuple[str, str]]:
    skipped = []
    for name in wanted:
        try:
            async with target.transaction():  # a savepoint: a missing extension must not end the import
                await target.execute(f"create extension if not exists {quote_ident(name)}")
        except asyncpg.PostgresError as error:
            skipped.append((f"extension {name}", f"not available on this server ({error})"))
    return skipped


async def copy_database(source_url: str, source: asyncpg.Connection, target: asyncpg.Connection,
                        inventory: Inventory, progress: Progress, bindir: Path | None = None) -> dict:
    """Runs inside the caller's transaction on `target`; returns what was done, for the report."""
    pre = await dump_section(source_url, inventory.schemas, "pre-data", bindir)
    post = await dump_section(source_url, inventory.schemas, "post-data", bindir)
    done: dict = {"skipped": await _extensions(target, inventory.extensions)}
    progress("creating the app's schemas")
    if pre:
        await target.execute(pre)
    for name in AUTH_TABLES:
        if inventory.auth_rows.get(name):
            progress(f"rows: auth.{name} ({inventory.auth_rows[name]})")
            await copy_table(source, target, "auth", name)
    for table in inventory.tables:
        progress(f"rows: {table.schema}.{table.name} ({table.rows})")
        await copy_table(source, target, table.schema, table.name)
    if inventory.buckets:
        progress(f"rows: storage.buckets ({len(inventory.buckets)}), storage.objects ({len(inventory.objects)})")
        await copy_table(source, target, "storage", "buckets", "where id = any($1::text[])", inventory.buckets)
        await copy_table(source, target, "storage", "objects", "where bucket_id = any($1::text[])",
                         inventory.buckets)
        # Our object store files bytes by (id, version): every object needs a version.
        await target.execute("update storage.objects set version = gen_random_uuid()::text "
                             "where version is null and bucket_id = any($1::text[])", inventory.buckets)
    progress("keys, indexes, triggers and policies")
    if post:
        await target.execute(post)
    await _sequences(source, target, inventory.schemas)
    done["triggers"] = await _outside_triggers(source, target)
    done["storage_policies"] = await _storage_policies(source, target)
    done["published"] = await _publication(source, target, inventory.schemas)
    return done
