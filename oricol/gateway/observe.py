"""Request metrics the gateway records for every service (Prometheus names, bounded labels)."""
from __future__ import annotations

from dataclasses import dataclass

from oricol.metrics import Registry


@dataclass
class RequestMetrics:
    registry: Registry

    def __post_init__(self) -> None:
        r = self.registry
        self.requests = r.counter("oricol_http_requests_total", "HTTP requests by service, route group, method and status")
        self.latency = r.histogram("oricol_http_request_duration_seconds", "Request latency by service and route group")
        self.bytes_in = r.counter("oricol_http_request_bytes_total", "Request body bytes received, by service")
        self.bytes_out = r.counter("oricol_http_response_bytes_total", "Response body bytes sent, by service")
        self.signins = r.counter("oricol_auth_signins_total", "Password and refresh-token grants by outcome")
        self.limited = r.counter("oricol_rate_limited_total", "Requests refused by the rate limiter, by service")

    def record(self, service: str, group: str, method: str, status: int, seconds: float,
               received: int, sent: int, grant: str | None) -> None:
        self.requests.inc((("service", service), ("group", group), ("method", method), ("status", str(status))))
        self.latency.observe((("service", service), ("group", group)), seconds)
        if received:
            self.bytes_in.inc((("service", service),), received)
        if sent:
            self.bytes_out.inc((("service", service),), sent)
        if grant:
            outcome = "success" if 200 <= status < 300 else "failure"
            self.signins.inc((("grant_type", grant), ("result", outcome)))
