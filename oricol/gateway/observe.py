"""Request metrics the gateway records for every service (Prometheus names, bounded labels)."""
from __future__ import annotations

from dataclasses import dataclass

from oricol.metrics import Labels, Registry

LABEL_SETS = 1024  # distinct (service, group, method, status) kept; a client choosing odd methods cannot grow it


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
        # The label tuples of each request kind, built once: building them cost more than the counting.
        self._labels: dict[tuple[str, str, str, int], tuple[Labels, Labels, Labels]] = {}

    def record(self, service: str, group: str, method: str, status: int, seconds: float,
               received: int, sent: int, grant: str | None) -> None:
        key = (service, group, method, status)
        labels = self._labels.get(key)
        if labels is None:
            labels = self._label_sets(key)
        requests, latency, by_service = labels
        self.requests.inc(requests)
        self.latency.observe(latency, seconds)
        if received:
            self.bytes_in.inc(by_service, received)
        if sent:
            self.bytes_out.inc(by_service, sent)
        if grant:
            outcome = "success" if 200 <= status < 300 else "failure"
            self.signins.inc((("grant_type", grant), ("result", outcome)))

    def _label_sets(self, key: tuple[str, str, str, int]) -> tuple[Labels, Labels, Labels]:
        service, group, method, status = key
        labels = ((("service", service), ("group", group), ("method", method), ("status", str(status))),
                  (("service", service), ("group", group)), (("service", service),))
        if len(self._labels) >= LABEL_SETS:
            self._labels.clear()
        self._labels[key] = labels
        return labels
