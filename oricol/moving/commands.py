"""The `oricol import supabase` command: the target is this project's database (the embedded cluster is
started for the duration when it is not running) and its object store."""
from __future__ import annotations

import asyncio
import sys

from oricol.backup import commands as backup_commands
from oricol.backup.objects import open_backend
from oricol.config import Config

from . import importing


def import_supabase(config: Config, db_url: str, storage_url: str | None, service_key: str | None,
                    plan_only: bool, yes: bool) -> int:
    if bool(storage_url) != bool(service_key):
        print("oricol: --storage-url and --service-key go together", file=sys.stderr)
        return 2

    def confirm(question: str) -> bool:
        return yes or backup_commands.confirmed(question)

    def go() -> int:
        with backup_commands.database(config) as target_url:
            assert target_url is not None
            return asyncio.run(importing.run(db_url, target_url, open_backend(config), storage_url=storage_url,
                                             service_key=service_key, plan_only=plan_only, confirm=confirm))

    return backup_commands.guarded(lambda: _refusals_as_errors(go))


def _refusals_as_errors(command) -> int:
    try:
        return command()
    except importing.ImportRefused as refused:
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
