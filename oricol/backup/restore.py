"""Putting a backup back: verify everything first, then roles, the database, the storage bytes.

Order matters for "changes nothing when refused": the backup's checksums, the target database name
and "is the stack stopped" are all checked before the first write. Then the roles (created where
missing), the database dropped and recreated by `pg_restore --create` (so database-level settings come
back too), the object bytes filed through the storage backend, and then every version the backend holds
that the backup does not (on disk or in S3) deleted, so the store holds exactly what was backed up.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable

import asyncpg

from oricol.config import Config
from oricol.db import SERVICE_LOGIN_ROLE
from oricol.sql import quote_ident
from oricol.sqlsplit import split

from . import objects as object_files
from . import tools
from .manifest import Verified

MAINTENANCE_DB = "template1"
# A slot being read means a node's change feed is running. (DROP DATABASE removes inactive slots
# itself; realtime makes its slot again on demand.)
ACTIVE_SLOTS = "select count(*) from pg_replication_slots where database = $1 and slot_type = 'logical' and active"
ROLE_STATEMENT = re.compile(r'^\s*(CREATE|ALTER)\s+ROLE\s+("(?:[^"]|"")+"|[^\s;]+)(?=[\s;]|$)', re.IGNORECASE)
PASSWORD_CLAUSE = re.compile(r"\s+PASSWORD\s+'(?:[^']|'')*'", re.IGNORECASE)

Progress = Callable[[str], None]


class RestoreRefused(RuntimeError):
    pass


def locate(config: Config, target: str) -> Path:
    """A backup by name (in the backups dir) or by path."""
    path = Path(target).expanduser()
    for candidate in (path, config.backup.dir / target):
        if candidate.is_dir():
            return candidate.resolve()
    raise RestoreRefused(f"no backup named {target!r} in {config.backup.dir}, and no folder at {path}")


def running_reason(config: Config, healthy: Callable[[], bool]) -> str | None:
    """Why the stack looks like it is running on this machine, or None."""
    pid_file = config.core.data_dir / "oricol.pid"
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
        return f"oricol is running (pid {pid}, {pid_file}); stop it first with `oricol stop`"
    except (FileNotFoundError, ValueError, ProcessLookupError):
        pass
    except PermissionError:
        return f"oricol is running ({pid_file}); stop it first with `oricol stop`"
    if healthy():
        return f"a server answers at {config.core.public_url}; stop it first with `oricol stop`"
    return None


async def check_target(admin_url: str, verified: Verified) -> None:
    """Refuses before any change if the database names differ or another node is connected."""
    database = tools.database_of(admin_url)
    backed_up = verified.manifest["database"]["name"]
    if database != backed_up:
        raise RestoreRefused(f"the backup holds database {backed_up!r}, this installation uses {database!r}")
    conn = await asyncpg.connect(tools.with_database(admin_url, MAINTENANCE_DB), timeout=10)
    try:
        nodes = await conn.fetchval("select count(*) from pg_stat_activity where datname = $1 and usename = $2",
                                    database, SERVICE_LOGIN_ROLE)
        readers = await conn.fetchval(ACTIVE_SLOTS, database)
    finally:
        await conn.close()
    if nodes or readers:
        raise RestoreRefused(f"{nodes + readers} service connection(s) to {database!r} are open: an Oricol node "
                             "is running against this database; stop every node first")


def role_statements(script: str, keep_password_of: set[str]) -> list[str]:
    """pg_dumpall's role script as statements, without psql meta-commands, and without the password
    of the roles this installation's configuration owns (its superuser and the service login)."""
    text = "\n".join(line for line in script.splitlines() if not line.startswith("\\"))
    statements = []
    for statement in split(text):
        sql = statement.text
        match = ROLE_STATEMENT.match(sql)
        if match and match.group(1).upper() == "ALTER":
            name = match.group(2)
            name = name[1:-1].replace('""', '"') if name.startswith('"') else name
            if name in keep_password_of:
                sql = PASSWORD_CLAUSE.sub("", sql)
        statements.append(sql)
    return statements


async def restore_roles(admin_url: str, folder: Path, verified: Verified) -> int:
    conn = await asyncpg.connect(tools.with_database(admin_url, MAINTENANCE_DB), timeout=10)
    try:
        me = await conn.fetchval("select current_user")
        script = (folder / verified.manifest["database"]["roles"]).read_text()
        created = 0
        for sql in role_statements(script, {me, SERVICE_LOGIN_ROLE}):
            try:
                await conn.execute(sql)
                created += sql.lstrip().upper().startswith("CREATE ROLE")
            except asyncpg.DuplicateObjectError:
                pass  # the role exists here already; the ALTER ROLE after it sets its attributes
        return created
    finally:
        await conn.close()


async def restore_database(admin_url: str, folder: Path, verified: Verified, bindir: Path | None = None) -> None:
    database = tools.database_of(admin_url)
    maintenance = tools.with_database(admin_url, MAINTENANCE_DB)
    conn = await asyncpg.connect(maintenance, timeout=10)
    try:
        await conn.execute(f"drop database if exists {quote_ident(database)} with (force)")
    finally:
        await conn.close()
    await tools.run("pg_restore", "--create", "--exit-on-error", str(folder / verified.manifest["database"]["dump"]),
                    url=maintenance, bindir=bindir)


async def check_archive(folder: Path, verified: Verified, bindir: Path) -> None:
    """This machine's pg_restore must be able to read the dump (a newer pg_dump's archive it cannot)."""
    try:
        await tools.run("pg_restore", "--list", str(folder / verified.manifest["database"]["dump"]),
                        url=None, bindir=bindir)
    except tools.ToolFailed as error:
        raise RestoreRefused(f"this machine's pg_restore cannot read the dump: {error}") from None


async def restore(config: Config, admin_url: str, folder: Path, verified: Verified, progress: Progress) -> None:
    bindir = tools.find_bindir(config.core.pg_bindir)
    await check_archive(folder, verified, bindir)
    await check_target(admin_url, verified)
    manifest = verified.manifest
    progress("restoring roles")
    created = await restore_roles(admin_url, folder, verified)
    progress(f"roles restored ({created} created); replacing database {manifest['database']['name']!r}")
    await restore_database(admin_url, folder, verified, bindir)
    backend = object_files.open_backend(config)
    items = manifest.get("objects", [])
    progress(f"database restored; filing {len(items)} storage objects ({backend.name} backend)")
    await object_files.place(backend, folder, items)
    # Only after every backed-up version is in place: a failed copy leaves the store with more, never less.
    removed = await object_files.remove_unlisted(backend, object_files.kept_versions(manifest))
    progress(f"storage restored ({removed} objects not in the backup removed from the {backend.name} store)")
