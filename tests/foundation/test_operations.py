"""Metrics, rate limits (in-process and shared through Redis) and the JSON logs."""
from __future__ import annotations

import json
import logging

import pytest

from oricol import logs
from tests.support.stack import SECRETS, asgi_client, close_stack, config_for, open_stack


async def test_metrics_need_the_service_role_key_and_count_requests(client, service_client):
    assert (await client.get("/metrics")).status_code == 403
    await client.get("/rest/v1/tickets")
    await client.get("/rest/v1/rpc/fn")
    await client.post("/auth/v1/token?grant_type=password", json={})
    response = await service_client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'oricol_http_requests_total{service="rest",group="table",method="GET",status="404"} 1' in text
    assert 'group="rpc"' in text
    assert 'oricol_http_request_duration_seconds_bucket{service="rest",group="table",le="+Inf"} 1' in text
    assert 'oricol_auth_signins_total{grant_type="password",result="failure"} 1' in text
    assert 'oricol_db_pool_connections{pool="app",state="max"}' in text
    assert "oricol_http_response_bytes_total" in text


async def test_metrics_are_never_labelled_with_unbounded_paths(client, service_client):
    for i in range(5):
        await client.get(f"/storage/v1/object/authenticated/b/{i}.png")
        await client.get(f"/auth/v1/random-{i}")
    text = (await service_client.get("/metrics")).text
    assert "random-" not in text and ".png" not in text


@pytest.fixture
def limited_config(db_url, pg_server, tmp_path):
    def make(**overrides):
        settings = {"ORICOL_RATE_LIMIT_IP": "auth=3/60,rest=5/60", **overrides}
        return config_for(db_url, pg_server.password, tmp_path, **settings)
    return make


async def test_rate_limit_per_ip_answers_429_in_the_service_shape(limited_config):
    stack = await open_stack(limited_config())
    try:
        async with asgi_client(stack) as http:
            statuses = [(await http.get("/auth/v1/settings")).status_code for _ in range(4)]
            assert statuses[:3] != [429] * 3 and statuses[3] == 429
            refused = await http.get("/auth/v1/settings")
            assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
            assert refused.json()["error_code"] == "over_request_rate_limit" and refused.json()["code"] == 429
            # Other route groups have their own buckets.
            rest = [(await http.get("/rest/v1/t")).status_code for _ in range(6)]
            assert rest[:5].count(429) == 0 and rest[5] == 429
            assert set((await http.get("/rest/v1/t")).json()) == {"code", "message", "details", "hint"}
    finally:
        await close_stack(stack)


async def test_rate_limit_is_shared_between_nodes_through_redis(limited_config, redis_url):
    first = await open_stack(limited_config(ORICOL_REDIS_URL=redis_url, ORICOL_RATE_LIMIT_IP="rest=4/3600"))
    second = await open_stack(limited_config(ORICOL_REDIS_URL=redis_url, ORICOL_RATE_LIMIT_IP="rest=4/3600"))
    try:
        async with asgi_client(first) as a, asgi_client(second) as b:
            statuses = []
            for http in (a, b, a, b, a, b):
                statuses.append((await http.get("/rest/v1/t")).status_code)
            assert statuses[:4].count(429) == 0
            assert statuses[4:] == [429, 429]
    finally:
        await close_stack(first)
        await close_stack(second)


def test_rate_limit_config_is_validated():
    from oricol.config import ConfigError
    from oricol.config.gateway import parse_rates

    assert parse_rates("X", "auth=300/60, rest=0").keys() == {"auth"}
    for bad in ("auth=many/60", "ftp=1/1", "auth=1/0"):
        with pytest.raises(ConfigError, match="X"):
            parse_rates("X", bad)


def test_log_lines_are_json_without_secrets(tmp_path):
    log_file = tmp_path / "logs" / "oricol.jsonl"
    logs.configure("info", stream=open(tmp_path / "stderr.txt", "w"), log_file=log_file)
    logging.getLogger("oricol.gateway").info("request", extra={"service": "rest", "status": 200})
    logging.getLogger("oricol.gateway").info("request", extra={"service": "auth", "status": 500})
    for handler in logging.getLogger().handlers:
        handler.flush()
    lines = log_file.read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert [e["service"] for e in entries] == ["rest", "auth"] and entries[0]["level"] == "info"
    assert [line for line in lines if logs.matches(line, ["status=500"])] == [lines[1]]
    assert [line for line in lines if logs.matches(line, ["rest"])] == [lines[0]]
    logging.getLogger().handlers[:] = []


async def test_request_logs_name_the_request_but_never_the_token(client, caplog):
    caplog.set_level(logging.INFO, logger="oricol.gateway")
    await client.get(f"/rest/v1/tickets?apikey={SECRETS['anon_key']}&select=id")
    records = [r for r in caplog.records if r.getMessage() == "request"]
    assert records and records[-1].path == "/rest/v1/tickets" and records[-1].status == 404
    assert all(SECRETS["anon_key"] not in json.dumps(r.__dict__, default=str) for r in records)
