"""What the realtime service of one process reports on /metrics.

Counters and histograms are updated on the hot path (an add each); gauges are read at scrape time.
The delay histogram is the one to watch: from a change's commit to its push on this process's sockets.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from oricol.metrics import Counter, Histogram, Registry, Sample

if TYPE_CHECKING:
    from .context import Realtime

_DELAY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass
class RealtimeStats:
    frames_sent: Counter = field(default_factory=lambda: Counter(
        "oricol_realtime_frames_sent_total", "Frames written to realtime sockets"))
    frames_received: Counter = field(default_factory=lambda: Counter(
        "oricol_realtime_frames_received_total", "Frames read from realtime sockets"))
    changes: Counter = field(default_factory=lambda: Counter(
        "oricol_realtime_changes_total", "Database changes matched against this process's subscribers"))
    dropped: Counter = field(default_factory=lambda: Counter(
        "oricol_realtime_slow_clients_dropped_total", "Sockets closed for leaving too much unread"))
    delay: Histogram = field(default_factory=lambda: Histogram(
        "oricol_realtime_change_delay_seconds", "From a change's commit to its push to this process's sockets",
        _DELAY_BUCKETS))
    rls_check: Histogram = field(default_factory=lambda: Histogram(
        "oricol_realtime_rls_check_seconds", "Deciding which subscribers may see a batch of changes"))

    def register(self, registry: Registry, realtime: "Realtime") -> None:
        for metric in (self.frames_sent, self.frames_received, self.changes, self.dropped):
            registry.adopt(metric)
        for histogram in (self.delay, self.rls_check):
            registry.adopt(histogram)
        registry.collector("oricol_realtime_connections", "gauge", "Open realtime sockets",
                           lambda: [("oricol_realtime_connections", (), len(realtime.connections))])
        registry.collector("oricol_realtime_channels", "gauge", "Joined channels on this process's sockets",
                           lambda: [("oricol_realtime_channels", (),
                                     sum(len(subs) for subs in realtime.node.topics.values()))])
        registry.collector("oricol_realtime_slot_holder", "gauge",
                           "1 if this process reads the replication slot", lambda: _slot(realtime))
        registry.collector("oricol_realtime_slot_retained_wal_bytes", "gauge",
                           "WAL the replication slot keeps, as last seen by the slot holder", lambda: _retained(realtime))


def _slot(realtime: "Realtime") -> Iterable[Sample]:
    yield "oricol_realtime_slot_holder", (), 1 if realtime.changes.reader.is_leader else 0


def _retained(realtime: "Realtime") -> Iterable[Sample]:
    reader = realtime.changes.reader
    if reader.is_leader and reader.retained_bytes is not None:
        yield "oricol_realtime_slot_retained_wal_bytes", (), reader.retained_bytes
