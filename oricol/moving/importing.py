"""`oricol import supabase`: plan, check the target is fresh, copy the database in one transaction, fetch
the objects' bytes (resumable), verify against the source and print a report.

A run is recorded in `oricol_import.runs` in the same transaction as the rows, keyed by the source
cluster's system identifier and database: a second run against the same source after the database
half committed skips straight to the objects it still lacks.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable, TextIO

import asyncpg
import orjson

from . import database, objects
from .source import AUTH_TABLES, Inventory, read

RUNS = """create schema if not exists oricol_import;
create table if not exists oricol_import.runs (
  source text primary key, database_done_at timestamptz, objects_done_at timestamptz, report jsonb)"""


class ImportRefused(RuntimeError):
    """The target is not fresh, or the person did not confirm: nothing was changed."""


def plan_text(inventory: Inventory, storage_url: str | None) -> str:
    lines = ["Will create:"]
    lines += [f"  schema {s}" for s in inventory.schemas]
    lines += [f"  table {t.schema}.{t.name}: {t.rows} rows" for t in inventory.tables]
    lines += [f"  auth.{name}: {inventory.auth_rows.get(name, 0)} rows" for name in AUTH_TABLES]
    lines.append(f"  storage: {len(inventory.buckets)} buckets, {len(inventory.objects)} objects, "
                 f"{inventory.object_bytes / 1_000_000:.1f} MB"
                 + ("" if storage_url or not inventory.objects else " (rows only: no --storage-url given)"))
    lines += [f"  extension {e} (if this server has it)" for e in inventory.extensions]
    if inventory.skipped:
        lines.append("Skipped:")
        lines += [f"  {what}: {why}" for what, why in inventory.skipped]
    return "\n".join(lines)


async def source_key(conn: asyncpg.Connection) -> str:
    system = await conn.fetchval("select system_identifier from pg_control_system()")
    return f"{system}/{await conn.fetchval('select current_database()')}"


async def obstacles(target: asyncpg.Connection, inventory: Inventory) -> list[str]:
    """What already exists on the target that an import would collide with."""
    found = []
    users = await target.fetchval("select count(*) from auth.users")
    if users:
        found.append(f"{users} users in auth.users")
    for row in await target.fetch(
            "select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where c.relkind in ('r', 'p', 'v', 'm') and n.nspname = any($1::text[]) order by 1, 2",
            inventory.schemas):
        found.append(f"{row['nspname']}.{row['relname']}")
    for bucket in await target.fetch("select id from storage.buckets where id = any($1::text[])", inventory.buckets):
        found.append(f"bucket {bucket['id']}")
    return found


async def _wanted(target: asyncpg.Connection, buckets: list[str]) -> list[objects.Wanted]:
    rows = await target.fetch("select id::text, version, bucket_id, name, metadata::text as metadata "
                              "from storage.objects where bucket_id = any($1::text[]) order by bucket_id, name",
                              buckets)
    wanted = []
    for r in rows:
        meta = json.loads(r["metadata"] or "{}") or {}
        wanted.append(objects.Wanted(r["id"], r["version"], r["bucket_id"], r["name"],
                                     int(meta.get("size") or meta.get("contentLength") or 0), meta.get("eTag")))
    return wanted


async def verify(target: asyncpg.Connection, inventory: Inventory) -> list[str]:
    """Differences between the source's counts and the target's (empty: all match)."""
    wrong = []
    for table in inventory.tables:
        count = await target.fetchval(f"select count(*) from {database.q(table.schema, table.name)}")
        if count != table.rows:
            wrong.append(f"{table.schema}.{table.name}: {count} rows here, {table.rows} in the source")
    for name in AUTH_TABLES:
        count = await target.fetchval(f"select count(*) from auth.{name}")
        if count < inventory.auth_rows.get(name, 0):
            wrong.append(f"auth.{name}: {count} rows here, {inventory.auth_rows[name]} in the source")
    count = await target.fetchval("select count(*) from storage.objects where bucket_id = any($1::text[])",
                                  inventory.buckets)
    if count != len(inventory.objects):
        wrong.append(f"storage.objects: {count} here, {len(inventory.objects)} in the source")
    return wrong


async def run(source_url: str, target_url: str, backend, *, storage_url: str | None, service_key: str | None,
              plan_only: bool, confirm: Callable[[str], bool], out: TextIO = sys.stdout,
              objects_dir: Path | None = None, skipped: list[tuple[str, str]] | None = None) -> int:
    """`objects_dir` (an export's storage folder) stands in for the Storage API; `skipped` adds what an
    earlier step (restoring a dump) left behind to the plan's list."""
    def progress(message: str) -> None:
        print(f"  {message}", file=out, flush=True)

    # An empty search_path makes PostgreSQL spell out every schema when it prints a trigger or a policy.
    source = await asyncpg.connect(source_url, timeout=15, server_settings={"search_path": ""})
    try:
        inventory = await read(source)
        inventory.skipped += skipped or []
        print(plan_text(inventory, storage_url or (str(objects_dir) if objects_dir else None)), file=out, flush=True)
        if plan_only:
            return 0
        target = await asyncpg.connect(target_url, timeout=15)
        try:
            await target.execute(RUNS)
            key = await source_key(source)
            done = await target.fetchval("select database_done_at from oricol_import.runs where source = $1", key)
            # Rows are checked against the source right after they land; on a later (resumed) run the target
            # may rightly have moved on, so only the objects are checked then.
            wrong: list[str] = []
            if done is None:
                found = await obstacles(target, inventory)
                if found:
                    raise ImportRefused("the target is not a fresh installation; it already has: " + ", ".join(found))
                if not confirm("Import into this installation?"):
                    raise ImportRefused("not confirmed (run with --yes to import without asking)")
                async with target.transaction():
                    report = await database.copy_database(source_url, source, target, inventory, progress)
                    await target.execute("insert into oricol_import.runs (source, database_done_at, report) "
                                         "values ($1, now(), $2::jsonb)", key, _json(report))
                for what, why in report["skipped"]:
                    print(f"  skipped {what}: {why}", file=out)
                # A running REST service learns of the new tables now, as after any migration.
                await target.execute("notify pgrst, 'reload schema'")
                wrong = await verify(target, inventory)
            else:
                print(f"  the database was imported at {done:%Y-%m-%d %H:%M UTC}; resuming with the objects", file=out)
            wrong += await _objects(target, backend, inventory, storage_url, service_key, objects_dir, progress, out)
        finally:
            await target.close()
    finally:
        await source.close()
    if wrong:
        print("Not everything matches the source:", file=out)
        for line in wrong:
            print(f"  {line}", file=out)
        print("Run the same command again to retry what is missing.", file=out)
        return 1
    print(f"Imported: {len(inventory.tables)} tables, {sum(inventory.auth_rows.values())} auth rows, "
          f"{len(inventory.objects)} objects; every count and object checksum matches the source.", file=out)
    return 0


async def _objects(target, backend, inventory: Inventory, storage_url, service_key, objects_dir, progress,
                   out) -> list[str]:
    if not inventory.objects:
        return []
    if objects_dir is None and (not storage_url or not service_key):
        return ["storage objects: rows imported, bytes not fetched (give --storage-url and --service-key, "
                "or --objects with an export's storage folder)"]
    await backend.start()
    wanted = await _wanted(target, inventory.buckets)
    if objects_dir is not None:
        outcome = await objects.copy_objects_from_dir(wanted, backend, objects_dir, progress)
    else:
        outcome = await objects.copy_objects(wanted, backend, storage_url, service_key, progress)
    print(f"  objects: {outcome.fetched} fetched ({outcome.bytes / 1_000_000:.1f} MB), "
          f"{outcome.already_here} already here", file=out)
    return [f"object {name}: {why}" for name, why in outcome.failed or []]


def _json(value) -> str:
    return orjson.dumps(value).decode()
