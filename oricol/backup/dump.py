"""Writing one backup: `<backups dir>/<UTC timestamp>/` with the database, roles, objects, manifest.

Consistency under write load comes from one exported snapshot. A second connection first takes a
SHARE lock on storage.objects, which waits for in-flight object writes and holds new ones back
(nothing else in the database is blocked); the snapshot is taken under that lock, the object rows
are read in it and their bytes hard-linked into the backup, and the lock is released. Storage deletes
a replaced version's bytes only after its row change commits, so every version named in the
snapshot is still on disk while we link it, and a link keeps it afterwards (then becomes a copy). `pg_dump --snapshot`
then dumps exactly that snapshot: every transaction committed before the backup began, nothing after.
"""
from __future__ import annotations

import asyncio
import importlib.metadata
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import asyncpg

from oricol.config import Config

from . import manifest as manifest_file
from . import objects as object_files
from . import tools

LOCK_KEY = 0x0_07_1C_05  # pg_advisory_lock key: one backup at a time per database
LOCK_WAIT_SECONDS = 30
DUMP = "database.pgc"
ROLES = "roles.sql"
NAME_FORMAT = "%Y-%m-%dT%H%M%SZ"

Progress = Callable[[str], None]


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class Written:
    name: str
    path: Path
    bytes: int
    objects: int
    missing: int


def _quiet(message: str) -> None:
    return None


def oricol_version() -> str:
    try:
        return importlib.metadata.version("oricol")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def new_name(root: Path, now: datetime) -> str:
    base = now.strftime(NAME_FORMAT)
    name, suffix = base, 1
    while (root / name).exists():
        suffix += 1
        name = f"{base}-{suffix}"
    return name


async def create(config: Config, admin_url: str, progress: Progress = _quiet) -> Written:
    root = config.backup.dir
    root.mkdir(parents=True, exist_ok=True)
    name = new_name(root, datetime.now(timezone.utc))
    work = root / f".{name}.partial"
    work.mkdir()
    try:
        summary = await _write(config, admin_url, work, name, progress)
        os.replace(work, root / name)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    progress(f"backup {name} written to {root / name} ({_size(summary['total_bytes'])})")
    return Written(name=name, path=root / name, bytes=summary["total_bytes"],
                   objects=len(summary["objects"]), missing=len(summary["storage"]["missing"]))


@dataclass
class _Snapshot:
    id: str
    info: asyncpg.Record
    backend_name: str
    objects: list[dict]
    missing: list[dict]


async def _write(config: Config, admin_url: str, work: Path, name: str, progress: Progress) -> dict:
    locker = await asyncpg.connect(admin_url, timeout=10)
    holder = None
    try:
        if not await locker.fetchval("select pg_try_advisory_lock($1)", LOCK_KEY):
            raise BackupError("another backup of this database is running")
        holder = await asyncpg.connect(admin_url, timeout=10)
        snapshot = await _snapshot_with_objects(config, locker, holder, work, progress)
        await object_files.detach(work, snapshot.objects)
        bindir = tools.find_bindir(config.core.pg_bindir)
        await _dump_database(admin_url, bindir, snapshot.id, work, progress)
        await holder.execute("commit")
        for item in snapshot.missing:
            progress(f"warning: object {item['id']} has no bytes in storage ({item['error']}); backed up as it is")
        progress("computing checksums")
        summary = await _summary(name, work, snapshot, bindir)
        manifest_file.write(work, summary)
        return summary
    finally:
        if holder is not None:
            await holder.close()
        await locker.close()  # also releases the advisory lock


async def _snapshot_with_objects(config: Config, locker: asyncpg.Connection, holder: asyncpg.Connection,
                                 work: Path, progress: Progress) -> _Snapshot:
    """Under the storage lock: export the snapshot, read the object rows in it, link their bytes."""
    progress("waiting for in-flight storage writes, then taking the snapshot")
    # Writers queue behind a waiting lock: give up rather than stall uploads behind a stuck one.
    await locker.execute(f"set lock_timeout = '{LOCK_WAIT_SECONDS}s'")
    await locker.execute("begin; lock table storage.objects in share mode")
    await holder.execute("begin isolation level repeatable read read only")
    snapshot = await holder.fetchval("select pg_export_snapshot()")
    info = await holder.fetchrow("select current_setting('server_version') as server_version, "
                                 "current_database() as database, now() as taken_at")
    rows = await holder.fetch("select id::text as id, version from storage.objects order by id")
    backend = object_files.open_backend(config)
    progress(f"linking {len(rows)} storage objects")
    objects, missing = await object_files.pin(backend, [(r["id"], r["version"]) for r in rows if r["version"]], work)
    missing += [{"id": r["id"], "version": None, "error": "no version"} for r in rows if not r["version"]]
    await locker.execute("commit")  # storage writes go on; the snapshot and the links stay
    return _Snapshot(id=snapshot, info=info, backend_name=backend.name, objects=objects, missing=missing)


async def _dump_database(admin_url: str, bindir: Path, snapshot: str, work: Path, progress: Progress) -> None:
    progress("dumping the database (pg_dump, custom format)")
    await tools.run("pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={work / DUMP}",
                    url=admin_url, bindir=bindir)
    progress(f"database dumped ({_size((work / DUMP).stat().st_size)}); dumping roles")
    roles = await tools.run("pg_dumpall", "--roles-only", url=admin_url, bindir=bindir)
    (work / ROLES).write_text(roles)


async def _summary(name: str, work: Path, snapshot: _Snapshot, bindir: Path) -> dict:
    # Reading every byte takes a while: off the event loop, which may be serving requests meanwhile.
    files = [await asyncio.to_thread(manifest_file.describe_file, work, DUMP),
             await asyncio.to_thread(manifest_file.describe_file, work, ROLES)]
    files += await asyncio.to_thread(object_files.describe, work, snapshot.objects)
    info = snapshot.info
    return {
        "format": manifest_file.FORMAT,
        "name": name,
        "created_at": info["taken_at"].astimezone(timezone.utc).isoformat(),
        "oricol_version": oricol_version(),
        "postgres": {"server_version": info["server_version"], "pg_dump": await tools.version("pg_dump", bindir)},
        "database": {"name": info["database"], "dump": DUMP, "roles": ROLES},
        "storage": {"backend": snapshot.backend_name, "objects": len(snapshot.objects), "missing": snapshot.missing},
        "objects": snapshot.objects,
        "files": files,
        "total_bytes": sum(f["size"] for f in files),
    }


def _size(count: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count} B"
