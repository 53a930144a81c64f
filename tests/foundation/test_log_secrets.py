"""Secrets never reach a log line: realtime clients put `apikey=` (even the service_role key) in the
websocket URL, and uvicorn's access line for the upgrade wrote that URL to oricol.jsonl. Log files
are created 0600 like .env, and uvicorn's lines are clean JSON, once each."""
from __future__ import annotations

import asyncio
import json
import logging
import stat

import pytest
import websockets

from oricol import logs
from tests.support.stack import SECRETS, LiveServer, config_for


@pytest.fixture
def log_file(tmp_path):
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    path = tmp_path / "logs" / "oricol.jsonl"
    logs.configure("info", stream=open(tmp_path / "stderr.txt", "w"), log_file=path)
    yield path
    root.handlers[:], level = saved
    root.setLevel(level)


def _lines(path):
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text().splitlines()


@pytest.mark.parametrize("text, secret", [
    ('"WebSocket /realtime/v1/websocket?apikey=eyJhbGc.x.y&vsn=1.0.0" [accepted]', "eyJhbGc.x.y"),
    ("GET /auth/v1/verify?token=abc123&type=signup&redirect_to=x", "abc123"),
    ("/callback?code=s3cret&state=1", "s3cret"),
    ("POST /x?access_token=tok-1;refresh_token=tok-2", "tok-"),
    ("password=hunter2 in a message", "hunter2"),
])
def test_redact_replaces_every_credential_value(text, secret):
    assert secret not in logs.redact(text) and "redacted" in logs.redact(text)


def test_redact_leaves_other_parameters():
    assert logs.redact("/rest/v1/t?select=id&order=id.desc") == "/rest/v1/t?select=id&order=id.desc"


def test_log_files_are_created_private(log_file, tmp_path):
    logging.getLogger("oricol.test").info("hello")
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    widened = tmp_path / "old.jsonl"
    widened.write_text("")
    widened.chmod(0o644)
    logs.configure("info", stream=open(tmp_path / "stderr2.txt", "w"), log_file=widened)
    assert stat.S_IMODE(widened.stat().st_mode) == 0o600


def test_rotated_files_stay_private(tmp_path):
    handler = logs._PrivateRotatingHandler(tmp_path / "r.jsonl", maxBytes=10, backupCount=2)
    handler.setFormatter(logs.JsonFormatter())
    for n in range(5):
        handler.emit(logging.LogRecord("x", logging.INFO, "", 0, "line %d", (n,), None))
    handler.close()
    for path in tmp_path.glob("r.jsonl*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_websocket_access_lines_and_server_lines_are_clean(log_file, db_url, pg_server, tmp_path):
    server = LiveServer(config_for(db_url, pg_server.password, tmp_path, ORICOL_LOG_LEVEL="info"))
    server.start()
    try:
        ws_url = server.url.replace("http", "ws") + "/realtime/v1/websocket"

        async def connect(key: str) -> None:
            async with websockets.connect(f"{ws_url}?apikey={key}&vsn=1.0.0"):
                pass
        asyncio.run(connect(SECRETS["service_role_key"]))
        asyncio.run(connect(SECRETS["anon_key"]))
    finally:
        server.stop()
    lines = _lines(log_file)
    text = "\n".join(lines)
    assert SECRETS["service_role_key"] not in text and SECRETS["anon_key"] not in text
    accepted = [json.loads(line) for line in lines if "[accepted]" in line]
    assert len(accepted) == 2 and all("apikey=redacted" in entry["msg"] for entry in accepted)
    entries = [json.loads(line) for line in lines]
    assert not any("color_message" in entry or "\x1b[" in line for entry, line in zip(entries, lines))
    started = [e for e in entries if e["msg"].startswith("Started server process")]
    assert len(started) == 1
