"""What `oricol backup`, `oricol backups`, `oricol restore` and `oricol status` call.

Each finds the database the way `oricol start` does: the embedded cluster (started for the command
and stopped again if it was not running) or ORICOL_DATABASE_URL.
"""
from __future__ import annotations

import asyncio
import sys
from contextlib import contextmanager
from typing import Callable, Iterator

import asyncpg

from oricol.config import Config

from . import history, job, manifest, restore, retention, tools
from .dump import BackupError

FAILURES = (BackupError, tools.ToolFailed, manifest.BackupInvalid, restore.RestoreRefused, OSError,
            asyncpg.PostgresError)


def say(message: str) -> None:
    print(f"oricol: {message}", flush=True)


@contextmanager
def database(config: Config, start: bool = True) -> Iterator[str | None]:
    """The superuser URL; with the embedded cluster started for the duration if needed (and allowed)."""
    if not config.core.embedded:
        yield config.core.database_url
        return
    from oricol.pg.cluster import admin_url, embedded_cluster, start_cluster

    cluster = embedded_cluster(config)
    running = cluster.initialised and cluster.running()
    if not running and not start:
        yield None
        return
    cluster = start_cluster(config) if not running else cluster
    try:
        yield admin_url(config, cluster)
    finally:
        if not running:
            cluster.stop()


def backup(config: Config) -> int:
    with database(config) as url:
        assert url is not None  # database() yields None only when told not to start the cluster
        written = asyncio.run(job.run(config, url, "cli", progress=say))
    if written.missing:
        say(f"warning: {written.missing} object(s) had no bytes in storage; see manifest.json")
    return 0


def list_backups(config: Config) -> int:
    names = retention.backups_in(config.backup.dir)
    if not names:
        say(f"no backups in {config.backup.dir}")
        return 0
    for name in reversed(names):
        try:
            data = manifest.read(config.backup.dir / name)
            print(f"{name}  {data['total_bytes']:>12} bytes  {data['storage']['objects']:>6} objects  "
                  f"oricol {data['oricol_version']}, PostgreSQL {data['postgres']['server_version']}")
        except (manifest.BackupInvalid, KeyError, TypeError):
            print(f"{name}  (unreadable manifest)")
    return 0


def confirmed(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    return input(f"{question} Type 'yes' to continue: ").strip().lower() == "yes"


def restore_backup(config: Config, target: str, yes: bool, healthy: Callable[[], bool]) -> int:
    folder = restore.locate(config, target)
    say(f"verifying {folder}")
    verified = manifest.verify(folder)
    say(f"all {verified.files} files match their SHA-256 ({verified.bytes} bytes)")
    reason = restore.running_reason(config, healthy)
    if reason:
        raise restore.RestoreRefused(reason)
    data = verified.manifest
    question = (f"Restore backup {data['name']} (taken {data['created_at']}) over this installation? "
                f"Database {data['database']['name']!r} and the storage objects will be replaced.")
    if not yes and not confirmed(question):
        raise restore.RestoreRefused("not confirmed (pass --yes to restore without a question)")
    with database(config) as url:
        assert url is not None  # database() yields None only when told not to start the cluster
        asyncio.run(restore.restore(config, url, folder, verified, say))
    say(f"restored {data['name']}; start the stack with `oricol start`")
    return 0


def status_lines(config: Config) -> list[str]:
    """The last successful and failed backup, for `oricol status`; with the database down, the newest
    complete backup in the backups folder (the history table cannot be read then)."""
    async def read(url: str) -> dict:
        conn = await asyncpg.connect(url, timeout=3)
        try:
            return await history.last(conn)
        finally:
            await conn.close()

    try:
        with database(config, start=False) as url:
            runs = asyncio.run(read(url)) if url else None
    except (OSError, asyncpg.PostgresError, asyncio.TimeoutError):
        runs = None
    if runs is None:  # the database is down (a stopped stack): the newest complete backup on disk
        names = retention.backups_in(config.backup.dir)
        return [f"  {'backup':<10} last backup on disk: " + (names[-1] if names else f"none in {config.backup.dir}")]
    success, failure = runs.get("success"), runs.get("failure")
    lines = [f"  {'backup':<10} last success: "
             + (f"{success['finished_at']:%Y-%m-%d %H:%M:%S}Z ({success['name']})" if success else "never")]
    if failure:
        lines.append(f"  {'':<10} last failure: {failure['finished_at']:%Y-%m-%d %H:%M:%S}Z: {failure['error']}")
    return lines


def guarded(command: Callable[[], int]) -> int:
    """Runs a command; a failure is one clear line on stderr and exit code 1, never a traceback."""
    from oricol.pg.binaries import BinariesNotFound
    from oricol.pg.embedded import ClusterError

    try:
        return command()
    except (*FAILURES, BinariesNotFound, ClusterError) as error:
        print(f"oricol: {error}", file=sys.stderr)
        return 1
