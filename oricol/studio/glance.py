"""Metrics at a glance: the node's Prometheus text reduced to what an operator reads first (requests,
server errors and mean latency per service, rate-limited requests, database pool use)."""
from __future__ import annotations

import re

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def samples(text: str):
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        if match is None:
            continue
        try:
            value = float(match.group(3))
        except ValueError:
            continue
        yield match.group(1), dict(LABEL.findall(match.group(2) or "")), value


def summary(text: str) -> dict:
    services: dict[str, dict] = {}
    limited = 0.0
    pools: dict[str, dict] = {}

    def of(name: str) -> dict:
        return services.setdefault(name, {"requests": 0, "server_errors": 0, "seconds": 0.0, "timed": 0})

    for name, labels, value in samples(text):
        service = labels.get("service", "")
        if name == "oricol_http_requests_total":
            of(service)["requests"] += int(value)
            if labels.get("status", "").startswith("5"):
                of(service)["server_errors"] += int(value)
        elif name == "oricol_http_request_duration_seconds_sum":
            of(service)["seconds"] += value
        elif name == "oricol_http_request_duration_seconds_count":
            of(service)["timed"] += int(value)
        elif name == "oricol_rate_limited_total":
            limited += value
        elif name == "oricol_db_pool_connections":
            pools.setdefault(labels.get("pool", ""), {})[labels.get("state", "")] = int(value)
    for entry in services.values():
        seconds, timed = entry.pop("seconds"), entry.pop("timed")
        entry["mean_ms"] = round(seconds / timed * 1000, 2) if timed else None
    return {"services": dict(sorted(services.items())), "rate_limited": int(limited), "db_pools": pools}
