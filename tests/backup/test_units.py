"""The pure parts: which backups retention keeps, when the schedule fires, role scripts, config."""
from __future__ import annotations

import json
from datetime import datetime, time, timezone
from pathlib import Path

import pytest

from oricol.backup import manifest, retention
from oricol.backup.restore import role_statements
from oricol.backup.schedule import next_run
from oricol.config import ConfigError
from tests.support.stack import config_for


def name(day: int, hour: int, month: int = 3) -> str:
    return f"2026-{month:02d}-{day:02d}T{hour:02d}0000Z"


def test_retention_keeps_the_newest_per_day_and_per_week():
    # March 2026: the 2nd is a Monday. Two backups a day from the 1st to the 20th.
    names = [name(day, hour) for day in range(1, 21) for hour in (3, 15)]
    keep = retention.to_keep(names, keep_daily=3, keep_weekly=2)
    daily = {name(20, 15), name(19, 15), name(18, 15)}
    weekly = {name(15, 15), name(20, 15)}  # newest of ISO week 11 (9th-15th) and week 12 (16th-22nd)
    assert keep == daily | weekly


def test_retention_always_keeps_the_newest_and_ignores_other_names():
    names = [name(1, 3), name(2, 3), "notes", "2026-03-02T030000Z-2"]
    assert retention.to_keep(names, 0, 0) == {"2026-03-02T030000Z-2"}
    assert retention.to_keep(names, 1, 0) == {"2026-03-02T030000Z-2"}
    assert retention.to_keep([], 3, 3) == set()


def test_prune_deletes_only_finished_backups_retention_drops(tmp_path: Path):
    for item in (name(1, 3), name(2, 3), name(3, 3)):
        (tmp_path / item).mkdir()
        (tmp_path / item / manifest.NAME).write_text("{}")
    (tmp_path / name(1, 9)).mkdir()  # no manifest: not a finished backup, left alone
    (tmp_path / "keep-me").mkdir()
    assert retention.prune(tmp_path, keep_daily=2, keep_weekly=0) == [name(1, 3)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name(1, 9), name(2, 3), name(3, 3), "keep-me"])


def test_next_run_is_strictly_after_now():
    at = time(3, 0, 0)
    assert next_run(datetime(2026, 3, 1, 2, 59, 59, tzinfo=timezone.utc), at) == datetime(2026, 3, 1, 3, tzinfo=timezone.utc)
    assert next_run(datetime(2026, 3, 1, 3, 0, 0, tzinfo=timezone.utc), at) == datetime(2026, 3, 2, 3, tzinfo=timezone.utc)
    assert next_run(datetime(2026, 12, 31, 23, 0, tzinfo=timezone.utc), at) == datetime(2027, 1, 1, 3, tzinfo=timezone.utc)


def test_config_defaults_and_errors(tmp_path: Path):
    config = config_for("postgresql://x@127.0.0.1/db", "p" * 16, tmp_path / "data")
    assert config.backup.dir == (tmp_path / "data" / "backups").resolve()
    assert (config.backup.keep_daily, config.backup.keep_weekly, config.backup.daily_at) == (7, 4, time(3, 0))
    config = config_for("postgresql://x@127.0.0.1/db", "p" * 16, tmp_path, ORICOL_BACKUP_AT="23:59:30",
                        ORICOL_BACKUP_KEEP_DAILY="2")
    assert config.backup.daily_at == time(23, 59, 30) and config.backup.keep_daily == 2
    for bad in ("24:00", "3pm", "12:60"):
        with pytest.raises(ConfigError, match="ORICOL_BACKUP_AT"):
            config_for("postgresql://x@127.0.0.1/db", "p" * 16, tmp_path, ORICOL_BACKUP_AT=bad)


def test_role_script_keeps_the_configured_passwords_and_drops_meta_commands():
    script = "\n".join([
        "\\restrict abc",
        "SET default_transaction_read_only = off;",
        "CREATE ROLE postgres;",
        "ALTER ROLE postgres WITH SUPERUSER LOGIN PASSWORD 'SCRAM-SHA-256$4096:x$y:z';",
        'CREATE ROLE "odd ""name""";',
        "ALTER ROLE \"odd \"\"name\"\"\" WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:a$b:c';",
        "ALTER ROLE authenticator WITH NOINHERIT LOGIN PASSWORD 'SCRAM-SHA-256$4096:q$r:s';",
        "\\unrestrict abc",
    ])
    statements = role_statements(script, {"postgres", "authenticator"})
    assert not any(s.startswith("\\") or "restrict" in s for s in statements)
    assert "ALTER ROLE postgres WITH SUPERUSER LOGIN" in statements
    assert "ALTER ROLE authenticator WITH NOINHERIT LOGIN" in statements
    assert any("odd" in s and "PASSWORD 'SCRAM-SHA-256$4096:a$b:c'" in s for s in statements)


def test_verify_names_every_problem(tmp_path: Path):
    (tmp_path / "a").write_bytes(b"hello")
    (tmp_path / "b").write_bytes(b"world")
    files = [manifest.describe_file(tmp_path, "a"), manifest.describe_file(tmp_path, "b")]
    manifest.write(tmp_path, {"format": 1, "files": files, "database": {"dump": "a", "roles": "b"}, "objects": []})
    assert manifest.verify(tmp_path).bytes == 10
    (tmp_path / "a").write_bytes(b"hellO")
    (tmp_path / "b").unlink()
    with pytest.raises(manifest.BackupInvalid) as error:
        manifest.verify(tmp_path)
    assert "a: SHA-256 does not match" in str(error.value) and "b: missing" in str(error.value)
    data = json.loads((tmp_path / manifest.NAME).read_text())
    data["files"].append({"path": "../etc/passwd", "size": 1, "sha256": "0"})
    (tmp_path / manifest.NAME).write_text(json.dumps(data))
    with pytest.raises(manifest.BackupInvalid, match="outside the backup"):
        manifest.verify(tmp_path)
    (tmp_path / manifest.NAME).write_text("{not json")
    with pytest.raises(manifest.BackupInvalid, match="not valid JSON"):
        manifest.verify(tmp_path)


async def test_disk_inventory_lists_only_storage_layout_names(tmp_path: Path):
    import uuid

    from oricol.objectstore.disk import DiskBackend

    backend = DiskBackend(tmp_path)
    await backend.start()
    object_id, version = str(uuid.uuid4()), str(uuid.uuid4())
    backend.path(object_id, version).parent.mkdir()
    backend.path(object_id, version).write_bytes(b"ours")
    (backend.objects / object_id[:2] / "README").write_text("someone's note")
    (backend.objects / "zz").mkdir(exist_ok=True)
    (backend.objects / "zz" / f"{object_id}.{version}").write_text("in the wrong folder")
    (backend.objects / "loose-file").write_text("not a folder")
    assert [item async for item in backend.inventory()] == [(object_id, version)]
