"""Every run is recorded, the failures too, and `oricol status` shows the last of each."""
from __future__ import annotations

import asyncio

import pytest

from oricol.backup import commands, job
from tests.support.stack import config_for


async def test_a_failed_and_a_successful_run_are_recorded_and_shown(db_url, pg_server, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the backups folder should be")
    failing = config_for(db_url, pg_server.password, tmp_path / "data", ORICOL_BACKUP_DIR=str(blocked))
    with pytest.raises(OSError):
        await job.run(failing, db_url, "cli")
    working = config_for(db_url, pg_server.password, tmp_path / "data", ORICOL_BACKUP_DIR=str(tmp_path / "backups"))
    written = await job.run(working, db_url, "cli")

    lines = "\n".join(await asyncio.to_thread(commands.status_lines, working))
    assert "last success: " in lines and written.name in lines
    assert "last failure: " in lines and "not-a-folder" in lines
