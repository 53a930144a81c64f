"""The console's own endpoints: request logs with filters and tail, health, metrics, backups."""
from __future__ import annotations

import orjson

from .conftest import sign_in


def write_log(config, entries: list[dict]) -> None:
    folder = config.core.data_dir / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [orjson.dumps(e).decode() for e in entries]
    (folder / "oricol.jsonl").write_text("\n".join(lines + ["not json at all"]) + "\n")


async def test_logs_are_filtered_newest_first_and_tailed(browser, config):
    entries = [{"ts": f"2026-12-03T10:00:{i:02d}.000Z", "level": "info", "logger": "oricol.gateway",
                "msg": "request", "service": "rest" if i % 2 else "auth", "status": 200 if i % 3 else 503,
                "path": f"/rest/v1/t{i}", "user_id": "u-1" if i == 7 else None} for i in range(30)]
    write_log(config, entries)
    await sign_in(browser)
    everything = (await browser.get("/studio/api/logs")).json()["entries"]
    assert [e["ts"][17:19] for e in everything[:2]] == ["29", "28"] and len(everything) == 30
    rest_errors = (await browser.get("/studio/api/logs", params={"service": "rest", "status": "5xx"})).json()
    assert [e["path"] for e in rest_errors["entries"]] == ["/rest/v1/t27", "/rest/v1/t21", "/rest/v1/t15",
                                                           "/rest/v1/t9", "/rest/v1/t3"]
    by_user = (await browser.get("/studio/api/logs", params={"user": "u-1"})).json()["entries"]
    assert [e["path"] for e in by_user] == ["/rest/v1/t7"]
    window = (await browser.get("/studio/api/logs", params={"since": "2026-12-03T10:00:10", "until": "2026-12-03T10:00:12",
                                                           "path": "/t1"})).json()["entries"]
    assert [e["path"] for e in window] == ["/rest/v1/t11", "/rest/v1/t10"]
    tail = (await browser.get("/studio/api/logs", params={"after": "2026-12-03T10:00:27.000Z"})).json()["entries"]
    assert [e["path"] for e in tail] == ["/rest/v1/t29", "/rest/v1/t28"]
    limited = (await browser.get("/studio/api/logs", params={"limit": "3"})).json()["entries"]
    assert len(limited) == 3
    assert (await browser.get("/studio/api/logs", params={"limit": "many"})).status_code == 400


async def test_logs_without_a_file_are_empty(browser):
    await sign_in(browser)
    answer = await browser.get("/studio/api/logs")
    assert answer.status_code == 200 and answer.json()["entries"] == []


async def test_health_metrics_and_settings(browser, config):
    await sign_in(browser)
    health = (await browser.get("/studio/api/ops/health")).json()
    assert health["parts"]["database"] == "up" and health["parts"]["studio"] == "up"
    metrics = (await browser.get("/studio/api/ops/metrics")).json()
    assert metrics["services"]["studio"]["requests"] >= 2  # the sign-in and the health call
    assert "app" in metrics["db_pools"]
    settings = (await browser.get("/studio/api/settings")).json()
    assert settings["mail_url"] == f"http://127.0.0.1:{config.mail.http_port}"
    assert settings["api_url"] == config.core.public_url


async def test_backups_list_run_and_download(browser, config):
    csrf = await sign_in(browser)
    assert (await browser.get("/studio/api/ops/backups")).json()["backups"] == []
    assert (await browser.post("/studio/api/ops/backups")).status_code == 403  # CSRF
    run = await browser.post("/studio/api/ops/backups", headers={"x-csrf-token": csrf})
    assert run.status_code == 201, run.text
    name = run.json()["name"]
    listed = (await browser.get("/studio/api/ops/backups")).json()["backups"]
    assert [b["name"] for b in listed] == [name] and listed[0]["bytes"] > 0
    download = await browser.get(f"/studio/api/ops/backups/{name}/download")
    assert download.status_code == 200 and download.headers["content-type"] == "application/x-tar"
    assert b"manifest.json" in download.content
    assert (await browser.get("/studio/api/ops/backups/..%2F..%2Fetc/download")).status_code == 404
    assert (await browser.get("/studio/api/ops/backups/nope/download")).status_code == 404
