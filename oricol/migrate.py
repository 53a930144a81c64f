"""Versioned SQL migrations: the platform's own (shipped in the package) and the app's (a folder).

Each file runs in its own transaction, one statement at a time, and is recorded with the SHA-256 of
its text. A recorded file whose text has changed is an error: migrations are history, not state.
An advisory lock keeps several nodes starting at once from applying the same file twice.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from oricol.sqlsplit import line_of, split

PLATFORM_DIR = Path(__file__).parent / "migrations"
HELPDESK_DIR = Path(__file__).parent / "helpdesk" / "migrations"
LOCK_KEY = 0x0_07_1C_01  # pg_advisory_lock key owned by the migrator
APP_FILE = re.compile(r"^(\d+)_?([^/]*)\.sql$")

BOOKKEEPING = """
create schema if not exists oricol;
create table if not exists oricol.schema_migrations (
  source text not null,
  version text not null,
  name text not null,
  checksum text not null,
  applied_at timestamptz not null default now(),
  primary key (source, version)
);
"""


class MigrationError(RuntimeError):
    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        super().__init__(message)
        self.file = file
        self.line = line


@dataclass(frozen=True)
class Migration:
    source: str
    version: str
    name: str
    path: Path

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def discover(folder: Path, source: str) -> list[Migration]:
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        match = APP_FILE.match(path.name)
        if path.is_file() and match:
            found.append(Migration(source=source, version=match.group(1), name=match.group(2), path=path))
    versions = [m.version for m in found]
    duplicates = sorted({v for v in versions if versions.count(v) > 1})
    if duplicates:
        raise MigrationError(f"{folder}: more than one migration has version {', '.join(duplicates)}")
    return sorted(found, key=lambda m: int(m.version))


async def apply(conn: asyncpg.Connection, migrations: list[Migration]) -> list[Migration]:
    """Applies those not yet recorded, in order. Returns the ones it applied."""
    await conn.execute("select pg_advisory_lock($1)", LOCK_KEY)
    try:
        await conn.execute(BOOKKEEPING)
        applied = {(r["source"], r["version"]): r["checksum"]
                   for r in await conn.fetch("select source, version, checksum from oricol.schema_migrations")}
        done = []
        for migration in migrations:
            recorded = applied.get((migration.source, migration.version))
            if recorded is not None:
                if recorded != migration.checksum:
                    raise MigrationError(
                        f"{migration.path.name} was applied already and its text has changed since "
                        "(checksum mismatch); write a new migration instead of editing an applied one",
                        file=str(migration.path))
                continue
            await _apply_one(conn, migration)
            done.append(migration)
        return done
    finally:
        await conn.execute("select pg_advisory_unlock($1)", LOCK_KEY)


async def _apply_one(conn: asyncpg.Connection, migration: Migration) -> None:
    text = migration.text
    async with conn.transaction():
        for statement in split(text):
            try:
                await conn.execute(statement.text)
            except asyncpg.PostgresError as error:
                position = _int(getattr(error, "position", None))
                line = line_of(statement, position)
                raise MigrationError(f"{migration.path.name}:{line}: {error.__class__.__name__}: {error}",
                                     file=str(migration.path), line=line) from None
        await conn.execute(
            "insert into oricol.schema_migrations (source, version, name, checksum) values ($1, $2, $3, $4)",
            migration.source, migration.version, migration.name, migration.checksum)


def _int(value: object) -> int | None:
    """asyncpg's error position: a number as text, or absent."""
    if not isinstance(value, (int, str)):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def platform_migrations() -> list[Migration]:
    return discover(PLATFORM_DIR, "platform")


def helpdesk_migrations() -> list[Migration]:
    """The Oricol Helpdesk's schema, shipped in the package; recorded under its own source so its
    versions never mix with the platform's or an app's."""
    return discover(HELPDESK_DIR, "helpdesk")


def app_migrations(folder: Path) -> list[Migration]:
    return discover(folder, "app")
