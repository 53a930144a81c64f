"""Faults on the real process: kill -9 during writes and uploads, and a full disk under storage."""
from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import subprocess
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.support.project import project_in_tmp

pytestmark = pytest.mark.system


@pytest.fixture
def project():
    with project_in_tmp() as project:
        project.env["ORICOL_AUTH_AUTOCONFIRM"] = "true"
        project.env["ORICOL_AUTH_RATE_LIMITS"] = "false"
        project.cli("init")
        project.start()
        yield project


async def sign_up(http: httpx.AsyncClient, url: str) -> tuple[str, str]:
    email = f"crash-{uuid.uuid4().hex[:8]}@faults.test"
    session = (await http.post(url + "/auth/v1/signup", json={"email": email, "password": "crash-pass-1"})).json()
    return session["access_token"], session["user"]["id"]


async def slow_body(size: int, chunk: int = 64 * 1024):
    for _ in range(size // chunk):
        yield os.urandom(chunk)
        await asyncio.sleep(0.01)


def staging_files(project) -> list[Path]:
    storage = project.root / "data" / "storage"
    return [p for p in storage.rglob("*")
            if p.is_file() and (p.relative_to(storage).parts[0] == "tmp" or p.name.startswith("up-"))]


async def test_kill_9_during_writes_and_uploads_loses_nothing_committed(project):
    keys = project.keys()
    acknowledged_rows: list[str] = []
    acknowledged_objects: dict[str, str] = {}
    async with httpx.AsyncClient(headers={"apikey": keys["anon_key"]}, timeout=30) as http:
        token, user_id = await sign_up(http, project.url)
        auth = {"authorization": f"Bearer {token}"}

        async def writer() -> None:
            while True:
                title = uuid.uuid4().hex
                response = await http.post(project.url + "/rest/v1/tickets", json={"title": title, "created_by": user_id},
                                           headers={**auth, "prefer": "return=minimal"})
                if response.status_code == 201:
                    acknowledged_rows.append(title)

        async def small_uploads() -> None:
            while True:
                body = os.urandom(4096)
                path = f"{user_id}/{uuid.uuid4().hex}.pdf"
                response = await http.post(f"{project.url}/storage/v1/object/documents/{path}", content=body,
                                           headers={**auth, "content-type": "application/pdf"})
                if response.status_code == 200:
                    acknowledged_objects[path] = hashlib.sha256(body).hexdigest()

        async def large_upload() -> None:
            while True:
                path = f"{user_id}/big-{uuid.uuid4().hex}.pdf"
                await http.post(f"{project.url}/storage/v1/object/documents/{path}", content=slow_body(8 * 2**20),
                                headers={**auth, "content-type": "application/pdf"})

        tasks = [asyncio.create_task(job()) for job in (writer, writer, small_uploads, large_upload)]
        await asyncio.sleep(2.5)
        project.process.send_signal(signal.SIGKILL)  # no goodbye: mid-request, mid-upload
        project.process.wait()
        project.process = None
        await asyncio.gather(*tasks, return_exceptions=True)
        for task in tasks:
            task.cancel()
        assert acknowledged_rows and acknowledged_objects

        project.start()
        async with httpx.AsyncClient(headers={"apikey": keys["anon_key"], **auth}, timeout=30) as again:
            titles = {r["title"] for r in (await again.get(project.url + "/rest/v1/tickets?select=title")).json()}
            assert set(acknowledged_rows) <= titles
            for path, digest in acknowledged_objects.items():
                response = await again.get(f"{project.url}/storage/v1/object/authenticated/documents/{path}")
                assert response.status_code == 200 and hashlib.sha256(response.content).hexdigest() == digest
            # No row without its bytes (a partial object), including the upload cut off by the kill.
            conn = await asyncpg.connect(keys["db_url"])
            try:
                names = [r["name"] for r in await conn.fetch("select name from storage.objects where bucket_id = 'documents'")]
            finally:
                await conn.close()
            for name in names:
                response = await again.get(f"{project.url}/storage/v1/object/authenticated/documents/{name}")
                assert response.status_code == 200, name
    assert staging_files(project) == [], "temporary upload files leaked"


async def test_a_full_disk_is_a_clear_error_and_corrupts_nothing(project):
    keys = project.keys()
    project.stop()
    storage = project.root / "data" / "storage"
    storage.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(storage)], check=True)
    try:
        project.start()
        async with httpx.AsyncClient(headers={"apikey": keys["anon_key"]}, timeout=30) as http:
            token, user_id = await sign_up(http, project.url)
            auth = {"authorization": f"Bearer {token}", "content-type": "application/pdf"}
            kept = os.urandom(512 * 1024)
            first = await http.post(f"{project.url}/storage/v1/object/documents/{user_id}/kept.pdf", content=kept,
                                    headers=auth)
            assert first.status_code == 200, first.text
            refused = await http.post(f"{project.url}/storage/v1/object/documents/{user_id}/huge.pdf",
                                      content=os.urandom(4 * 2**20), headers=auth)
            assert refused.status_code in (500, 507), refused.text
            body = refused.json()
            assert set(body) == {"statusCode", "code", "error", "message"} and "space" in body["message"].lower()
            listed = await http.post(f"{project.url}/storage/v1/object/list/documents",
                                     json={"prefix": user_id}, headers={"authorization": auth["authorization"]})
            assert [o["name"] for o in listed.json()] == ["kept.pdf"]
            again = await http.get(f"{project.url}/storage/v1/object/authenticated/documents/{user_id}/kept.pdf",
                                   headers={"authorization": auth["authorization"]})
            assert again.content == kept
        assert staging_files(project) == []
    finally:
        if project.process is not None:
            project.stop()
        subprocess.run(["umount", str(storage)], check=False)
