"""The `oricol import supabase` and `oricol export supabase` commands: the installation's side is this
project's database (the embedded cluster is started for the duration when it is not running) and its
object store."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from oricol.backup import commands as backup_commands
from oricol.backup.objects import open_backend
from oricol.config import Config

from . import dumpfile, exporting, importing
from .objects import ObjectsUnreadable


def import_supabase(config: Config, db_url: str | None, storage_url: str | None, service_key: str | None,
                    plan_only: bool, yes: bool, dump: str | None = None, objects_dir: str | None = None) -> int:
    if bool(db_url) == bool(dump):
        print("oricol: give either --db-url or --dump", file=sys.stderr)
        return 2
    if bool(storage_url) != bool(service_key):
        print("oricol: --storage-url and --service-key go together", file=sys.stderr)
        return 2
    if objects_dir and storage_url:
        print("oricol: --objects and --storage-url are two sources of the same bytes: give one", file=sys.stderr)
        return 2
    folder = Path(objects_dir) if objects_dir else _export_storage(dump)

    def confirm(question: str) -> bool:
        return yes or backup_commands.confirmed(question)

    async def from_dump(target_url: str, dump: str) -> int:
        restored = await dumpfile.restore(target_url, Path(dump))
        try:
            return await importing.run(restored.url, target_url, open_backend(config), storage_url=storage_url,
                                       service_key=service_key, plan_only=plan_only, confirm=confirm,
                                       objects_dir=folder, skipped=restored.skipped)
        finally:
            await dumpfile.drop(target_url, restored.database)

    def go() -> int:
        with backup_commands.database(config) as target_url:
            assert target_url is not None
            if dump:
                return asyncio.run(from_dump(target_url, dump))
            assert db_url is not None  # exactly one of --db-url and --dump, checked above
            return asyncio.run(importing.run(db_url, target_url, open_backend(config), storage_url=storage_url,
                                             service_key=service_key, plan_only=plan_only, confirm=confirm,
                                             objects_dir=folder))

    return backup_commands.guarded(lambda: _refusals_as_errors(go))


def _export_storage(dump: str | None) -> Path | None:
    """An export's folder given as --dump brings its own objects."""
    if dump and (Path(dump) / "storage" / "manifest.json").is_file():
        return Path(dump) / "storage"
    return None


def export_supabase(config: Config, out: str) -> int:
    folder = Path(out)

    def go() -> int:
        with backup_commands.database(config) as db_url:
            assert db_url is not None
            done = asyncio.run(exporting.export(db_url, open_backend(config), folder,
                                                lambda message: print(f"  {message}", flush=True)))
        print(f"Exported to {folder}: {done.tables} tables, {done.users} users, {done.objects} objects "
              f"({done.bytes / 1_000_000:.1f} MB).")
        return 0

    return backup_commands.guarded(lambda: _refusals_as_errors(go))


def _refusals_as_errors(command) -> int:
    try:
        return command()
    except (importing.ImportRefused, dumpfile.DumpInvalid, exporting.ExportRefused, ObjectsUnreadable) as refused:
        print(f"oricol: {refused}", file=sys.stderr)
        return 1


def import_legacy(config: Config, db_url: str | None, plan_only: bool, yes: bool) -> int:
    """The original Oricol app's data into the helpdesk; the source is this installation's own `public`
    schema unless --db-url names another database."""
    from . import legacy
    from .legacy_plan import LegacyError

    def confirm(question: str) -> bool:
        return yes or backup_commands.confirmed(question)

    def go() -> int:
        with backup_commands.database(config) as target_url:
            assert target_url is not None
            try:
                return asyncio.run(legacy.run(db_url, target_url, plan_only=plan_only, confirm=confirm))
            except LegacyError as refused:
                print(f"oricol: {refused}", file=sys.stderr)
                return 1

    return backup_commands.guarded(go)
