"""`oricol backup` and `oricol restore` as a user runs them, on a real embedded installation."""
from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import asyncpg
import httpx
import pytest

from oricol import config as configuration
from oricol.backup import objects
from oricol.db import SERVICE_LOGIN_ROLE, with_login
from tests.support.project import Project, project_in_tmp

pytestmark = pytest.mark.system


class Installation:
    """A project plus direct access to its database and storage bytes, to set up and check state."""

    def __init__(self, project: Project):
        self.project = project

    @property
    def config(self) -> configuration.Config:
        return configuration.load(self.project.root / ".env", self.project.env)

    def sql(self, query: str, *args):
        async def go():
            conn = await asyncpg.connect(self.project.keys()["db_url"])
            try:
                return await conn.fetch(query, *args)
            finally:
                await conn.close()
        return asyncio.run(go())

    def put_object(self, name: str, data: bytes) -> tuple[str, str]:
        """Bytes filed the way storage files them, then the row that points at them."""
        backend = objects.open_backend(self.config)
        object_id, version = str(uuid.uuid4()), str(uuid.uuid4())

        async def go():
            await backend.start()
            handle, temp = tempfile.mkstemp(dir=backend.staging_dir)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            await backend.store(object_id, version, Path(temp))
        asyncio.run(go())
        self.sql("insert into storage.objects (id, bucket_id, name, version) values ($1, 'diagrams', $2, $3)",
                 object_id, name, version)
        return object_id, version

    def upload(self, name: str, data: bytes, upsert: bool = False) -> httpx.Response:
        key = self.project.keys()["service_role_key"]
        return httpx.post(f"{self.project.url}/storage/v1/object/diagrams/{name}", content=data,
                          headers={"apikey": key, "authorization": f"Bearer {key}", "content-type": "image/png",
                                   "x-upsert": "true" if upsert else "false"})

    def download(self, name: str) -> bytes | None:
        response = httpx.get(f"{self.project.url}/storage/v1/object/public/diagrams/{name}",
                             headers={"apikey": self.project.keys()["anon_key"]})
        return response.content if response.status_code == 200 else None

    def object_bytes(self, object_id: str, version: str) -> bytes | None:
        path = self.project.root / "data" / "storage" / objects.object_file(object_id, version)
        return path.read_bytes() if path.exists() else None

    def object_files(self) -> set[str]:
        root = self.project.root / "data" / "storage" / "objects"
        return {p.name for p in root.glob("*/*")}

    def titles(self) -> list[str]:
        return sorted(r["title"] for r in self.sql("select title from public.tickets"))

    def backups(self) -> list[str]:
        root = self.project.root / "data" / "backups"
        return sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) if root.exists() else []


@pytest.fixture
def site():
    with project_in_tmp() as project:
        project.cli("init")
        yield Installation(project)


def test_backup_change_restore_brings_back_the_data_and_files(site):
    project = site.project
    project.start()
    site.sql("insert into public.tickets (title) values ('before')")
    assert site.upload("kept.png", b"version one").status_code == 200
    made = project.cli("backup")
    assert "written" in made.stdout and "dumping the database" in made.stdout
    [name] = site.backups()
    assert "last success" in project.cli("status").stdout and name in project.cli("status").stdout
    assert name in project.cli("backups").stdout

    refused = project.cli("restore", name, "--yes", check=False)
    assert refused.returncode == 1 and "running" in refused.stderr

    site.sql("insert into public.tickets (title) values ('after')")
    site.sql("delete from public.tickets where title = 'before'")
    site.sql("create table public.added_later (id int)")
    assert site.upload("kept.png", b"version two", upsert=True).status_code == 200
    assert site.upload("new.png", b"new").status_code == 200
    assert site.download("kept.png") == b"version two"
    # Realtime's change feed leaves a logical slot on the database; it must not block the restore.
    site.sql("select pg_create_logical_replication_slot('oricol_backup_test', 'pgoutput')")
    project.stop()
    stopped = project.cli("status", check=False)
    assert stopped.returncode == 1 and f"last backup on disk: {name}" in stopped.stdout, stopped.stdout

    unconfirmed = project.cli("restore", name, check=False)  # stdin is not a terminal: no silent yes
    assert unconfirmed.returncode == 1 and "--yes" in unconfirmed.stderr
    restored = project.cli("restore", name, "--yes")
    assert "restored" in restored.stdout

    project.start()
    assert site.titles() == ["before"]
    assert site.sql("select to_regclass('public.added_later') as t")[0]["t"] is None
    assert site.download("kept.png") == b"version one"
    assert site.download("new.png") is None
    assert [r["name"] for r in site.sql("select name from storage.objects where bucket_id = 'diagrams'")] == ["kept.png"]
    assert len(site.object_files()) == 1, "bytes of versions the backup does not name were left behind"
    # The services log in with this installation's password: the restore did not bring back an old one.
    login = with_login(project.keys()["db_url"], SERVICE_LOGIN_ROLE, site.config.core.postgres_password)
    assert asyncio.run(_can_connect(login))


async def _can_connect(url: str) -> bool:
    conn = await asyncpg.connect(url)
    await conn.close()
    return True


def test_restore_into_a_fresh_installation(site):
    site.project.start()
    site.sql("insert into public.tickets (title) values ('moved')")
    assert site.upload("moved.png", b"moved bytes").status_code == 200
    site.project.cli("backup")
    [name] = site.backups()
    folder = site.project.root / "data" / "backups" / name
    with project_in_tmp() as fresh:
        fresh.cli("init")  # other secrets, another superuser password, never started
        assert "restored" in fresh.cli("restore", str(folder), "--yes").stdout
        fresh.start()
        other = Installation(fresh)
        assert "moved" in other.titles()
        assert other.download("moved.png") == b"moved bytes"
        fresh.stop()


def test_a_corrupt_backup_is_refused_before_anything_changes(site):
    project = site.project
    project.start()
    site.sql("insert into public.tickets (title) values ('before')")
    item = site.put_object("a.png", b"bytes")
    project.cli("backup")
    [name] = site.backups()
    site.sql("insert into public.tickets (title) values ('after')")
    later = site.put_object("later.png", b"later bytes")  # not in the backup: a restore would delete it
    project.stop()
    dump = project.root / "data" / "backups" / name / "database.pgc"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0x01
    dump.write_bytes(bytes(data))
    object_copy = project.root / "data" / "backups" / name / objects.object_file(*item)
    object_copy.write_bytes(b"bytez")

    refused = project.cli("restore", name, "--yes", check=False)
    assert refused.returncode == 1
    assert "database.pgc: SHA-256 does not match" in refused.stderr and item[0] in refused.stderr
    assert "Traceback" not in refused.stderr
    assert project.postmaster_pid() is None, "the database was not even started"
    project.start()
    assert site.titles() == ["after", "before"]
    assert site.object_bytes(*item) == b"bytes"
    assert site.object_bytes(*later) == b"later bytes"


def test_the_daily_schedule_backs_up_prunes_and_reports(site):
    project = site.project
    old = project.root / "data" / "backups" / "2020-01-01T030000Z"
    old.mkdir(parents=True)
    (old / "manifest.json").write_text("{}")
    at = datetime.now(timezone.utc) + timedelta(seconds=25)
    project.env.update({"ORICOL_BACKUP_AT": at.strftime("%H:%M:%S"), "ORICOL_BACKUP_KEEP_DAILY": "1",
                        "ORICOL_BACKUP_KEEP_WEEKLY": "0"})
    project.start()
    assert "last success: never" in project.cli("status").stdout
    assert datetime.now(timezone.utc) < at, "the server took too long to start for this schedule"
    deadline = time.monotonic() + 120
    while (old.exists() or not site.backups()) and time.monotonic() < deadline:
        time.sleep(0.5)
    [name] = site.backups()  # the new one; retention removed the old one
    assert name != old.name and (project.root / "data" / "backups" / name / "manifest.json").exists()
    deadline = time.monotonic() + 30
    while name not in (status := project.cli("status").stdout) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "last success: " in status and name in status
    metrics = httpx.get(project.url + "/metrics", headers={"apikey": project.keys()["service_role_key"]}).text
    [line] = [line for line in metrics.splitlines() if line.startswith("oricol_backup_last_success_timestamp_seconds ")]
    assert abs(float(line.split()[1]) - at.timestamp()) < 60
