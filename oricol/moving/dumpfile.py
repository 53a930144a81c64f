"""`oricol import supabase --dump`: a dump made by `supabase db dump`, `pg_dump` (plain SQL or custom
format) or `oricol export supabase` is restored into a scratch database on the target's cluster, and the
ordinary importer then reads that database as its source. The scratch database is dropped afterwards.

The scratch database gets auth's and storage's tables first (their definitions copied from the target,
without keys or triggers), so a dump's auth and storage rows have somewhere to land. A Supabase dump
names roles, schemas and extensions this server does not have: each statement that fails on them is
listed as skipped with PostgreSQL's reason, as the importer lists what it skips. Rows are loaded with
`session_replication_role = replica`, as Supabase's own restore guide does, so neither triggers nor
foreign keys fire while the rows of auth and the app arrive in whatever order the files give them.
"""
from __future__ import annotations

import asyncio
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from oricol.backup import tools
from oricol.pg.binaries import find_bindir
from oricol.sql import quote_ident

# The files `oricol export supabase` writes, in the order psql restores them.
EXPORT_FILES = ("roles.sql", "schema.sql", "auth_storage_data.sql", "data.sql")
CUSTOM_FORMAT_MAGIC = b"PGDMP"
MAX_LISTED = 40


class DumpInvalid(RuntimeError):
    """The dump could not be read or held nothing to import: the target was not touched."""


@dataclass
class Restored:
    url: str
    database: str
    skipped: list[tuple[str, str]]  # (what, why), like the importer's


def dump_files(path: Path) -> list[Path]:
    """A file, or an export's folder (its SQL files in restore order)."""
    if path.is_dir():
        files = [path / name for name in EXPORT_FILES if (path / name).is_file()]
        if not files:
            raise DumpInvalid(f"{path} holds none of {', '.join(EXPORT_FILES)}")
        return files
    if not path.is_file():
        raise DumpInvalid(f"no such dump file: {path}")
    return [path]


def scratch_name(files: list[Path]) -> str:
    """Named after the dump's contents, so a resumed import of the same dump is recognised as such."""
    digest = hashlib.sha256()
    for file in files:
        with file.open("rb") as data:
            while chunk := data.read(1024 * 1024):
                digest.update(chunk)
    return f"oricol_dump_{digest.hexdigest()[:16]}"


async def _tool(program: str, url: str, *args: str, bindir: Path | None) -> tuple[int, str]:
    """Runs psql or pg_restore, which go on past failing statements; returns the exit code and stderr."""
    target, extra = tools.without_password(url)
    process = await asyncio.create_subprocess_exec(
        str((bindir or find_bindir()) / program), f"--dbname={target}", *args,
        env={**os.environ, **extra, "PGAPPNAME": "oricol-import", "PGCONNECT_TIMEOUT": "10",
             "PGOPTIONS": "-c session_replication_role=replica"},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL)
    _, err = await process.communicate()
    return process.returncode or 0, err.decode(errors="replace")


def _errors(stderr: str) -> list[str]:
    return [line.split("ERROR:", 1)[1].strip() for line in stderr.splitlines() if "ERROR:" in line]


async def _skeleton(admin_url: str, scratch_url: str, bindir: Path | None) -> None:
    """auth's and storage's tables with their keys (an app's foreign keys point at them), the extensions
    this server's installation has, where it has them (Supabase keeps them in `extensions`), and the
    realtime publication a dump adds its tables to."""
    script = await tools.run("pg_dump", "--schema-only", "--section=pre-data", "--no-owner", "--no-privileges",
                             "--schema=auth", "--schema=storage", url=admin_url, bindir=bindir)
    script = "\n".join(line for line in script.splitlines() if not line.startswith("\\"))
    admin = await asyncpg.connect(admin_url, timeout=15)
    try:
        extensions = await admin.fetch("select e.extname, n.nspname from pg_extension e join pg_namespace n "
                                       "on n.oid = e.extnamespace where e.extname <> 'plpgsql'")
        keys = await admin.fetch(
            "select format('alter table %I.%I add constraint %I %s', n.nspname, c.relname, k.conname, "
            "pg_get_constraintdef(k.oid)) as sql from pg_constraint k join pg_class c on c.oid = k.conrelid "
            "join pg_namespace n on n.oid = c.relnamespace where k.contype in ('p', 'u') "
            "and n.nspname in ('auth', 'storage') order by k.contype, 1")
    finally:
        await admin.close()
    conn = await asyncpg.connect(scratch_url, timeout=15)
    try:
        for row in extensions:
            await conn.execute(f"create schema if not exists {quote_ident(row['nspname'])}")
            await conn.execute(f"create extension if not exists {quote_ident(row['extname'])} "
                               f"with schema {quote_ident(row['nspname'])}")
        await conn.execute("create schema if not exists extensions")
        await conn.execute(script)
        for row in keys:
            await conn.execute(row["sql"])
        await conn.execute("create publication supabase_realtime")
    finally:
        await conn.close()


async def _holds_something(scratch_url: str) -> bool:
    conn = await asyncpg.connect(scratch_url, timeout=15)
    try:
        return await conn.fetchval(
            "select exists (select 1 from auth.users) or exists (select 1 from pg_class c join pg_namespace n "
            "on n.oid = c.relnamespace where c.relkind in ('r', 'p') and n.nspname not in "
            "('auth', 'storage', 'extensions', 'pg_catalog', 'information_schema', 'pg_toast'))")
    finally:
        await conn.close()


async def restore(admin_url: str, path: Path, bindir: Path | None = None) -> Restored:
    files = dump_files(path)
    name = scratch_name(files)
    scratch_url = tools.with_database(admin_url, name)
    await drop(admin_url, name)  # a leftover from an interrupted run
    admin = await asyncpg.connect(admin_url, timeout=15)
    try:
        await admin.execute(f"create database {quote_ident(name)} template template0")
    finally:
        await admin.close()
    try:
        await _skeleton(admin_url, scratch_url, bindir)
        errors: list[str] = []
        plain = [f for f in files if not _custom_format(f)]
        if plain:
            code, stderr = await _tool("psql", scratch_url, "-X", "-q", "-v", "ON_ERROR_STOP=0",
                                       *[a for f in plain for a in ("-f", str(f))], bindir=bindir)
            errors += _errors(stderr)
            if code not in (0, 3) and not errors:
                raise DumpInvalid(f"psql could not read the dump: {stderr.strip()[-500:]}")
        for custom in (f for f in files if _custom_format(f)):
            code, stderr = await _tool("pg_restore", scratch_url, "--no-owner", str(custom), bindir=bindir)
            errors += _errors(stderr)
            if code != 0 and not errors:
                raise DumpInvalid(f"pg_restore could not read {custom}: {stderr.strip()[-500:]}")
        if not await _holds_something(scratch_url):
            first = "; ".join(errors[:3]) or "it holds no tables and no users"
            raise DumpInvalid(f"nothing could be restored from {path}: {first}")
    except BaseException:
        await drop(admin_url, name)
        raise
    skipped = [("statement in the dump", why) for why in errors[:MAX_LISTED]]
    if len(errors) > MAX_LISTED:
        skipped.append(("statements in the dump", f"{len(errors) - MAX_LISTED} more failed likewise"))
    return Restored(scratch_url, name, skipped)


async def drop(admin_url: str, name: str) -> None:
    admin = await asyncpg.connect(admin_url, timeout=15)
    try:
        await admin.execute(f"drop database if exists {quote_ident(name)} with (force)")
    finally:
        await admin.close()


def _custom_format(file: Path) -> bool:
    with file.open("rb") as data:
        return data.read(len(CUSTOM_FORMAT_MAGIC)) == CUSTOM_FORMAT_MAGIC
