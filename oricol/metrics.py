"""Prometheus metrics without a dependency: counters, histograms and gauges, and the text format.

Hot-path cost is a dict lookup and an add per request; the exposition is built only when scraped.
Services contribute their own gauges through `Registry.collector(fn)` (fn returns samples).
"""
from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field
from typing import Callable, Iterable

Labels = tuple[tuple[str, str], ...]
Sample = tuple[str, Labels, float]  # name, labels, value

DEFAULT_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
    return "{" + inner + "}"


def _escape(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    if value == float("inf"):
        return "+Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


@dataclass
class Counter:
    name: str
    help: str
    values: dict[Labels, float] = field(default_factory=dict)

    def inc(self, labels: Labels = (), amount: float = 1.0) -> None:
        self.values[labels] = self.values.get(labels, 0.0) + amount

    def render(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} counter"
        for labels, value in sorted(self.values.items()):
            yield f"{self.name}{_labels(labels)} {_number(value)}"


@dataclass
class Histogram:
    name: str
    help: str
    buckets: tuple[float, ...] = DEFAULT_BUCKETS
    series: dict[Labels, list[float]] = field(default_factory=dict)  # labels -> [counts per bucket..., sum, count]

    def observe(self, labels: Labels, value: float) -> None:
        row = self.series.get(labels)
        if row is None:
            row = self.series[labels] = [0] * (len(self.buckets) + 2)
        index = bisect.bisect_left(self.buckets, value)
        if index < len(self.buckets):
            row[index] += 1
        row[-2] += value
        row[-1] += 1

    def render(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} histogram"
        for labels, row in sorted(self.series.items()):
            cumulative: float = 0
            for bound, count in zip(self.buckets, row):
                cumulative += count
                yield f"{self.name}_bucket{_labels(labels + (('le', _number(bound)),))} {cumulative}"
            yield f"{self.name}_bucket{_labels(labels + (('le', '+Inf'),))} {row[-1]}"
            yield f"{self.name}_sum{_labels(labels)} {_number(row[-2])}"
            yield f"{self.name}_count{_labels(labels)} {row[-1]}"


@dataclass
class Registry:
    counters: dict[str, Counter] = field(default_factory=dict)
    histograms: dict[str, Histogram] = field(default_factory=dict)
    collectors: list[tuple[str, str, str, Callable[[], Iterable[Sample]]]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def counter(self, name: str, help: str) -> Counter:
        with self._lock:
            return self.counters.setdefault(name, Counter(name, help))

    def histogram(self, name: str, help: str, buckets: tuple[float, ...] = DEFAULT_BUCKETS) -> Histogram:
        with self._lock:
            return self.histograms.setdefault(name, Histogram(name, help, buckets))

    def adopt(self, metric: Counter | Histogram) -> None:
        """A counter or histogram a service made itself (before the registry existed)."""
        with self._lock:
            if isinstance(metric, Counter):
                self.counters.setdefault(metric.name, metric)
            else:
                self.histograms.setdefault(metric.name, metric)

    def collector(self, name: str, kind: str, help: str, collect: Callable[[], Iterable[Sample]]) -> None:
        """A metric computed at scrape time (gauges of pools, connections, last backup time...)."""
        self.collectors.append((name, kind, help, collect))

    def render(self) -> str:
        lines: list[str] = []
        metrics: list[Counter | Histogram] = [*self.counters.values(), *self.histograms.values()]
        for metric in metrics:
            lines.extend(metric.render())
        for name, kind, help, collect in self.collectors:
            try:
                samples = list(collect())
            except Exception:  # a broken collector must not break the scrape
                continue
            lines.append(f"# HELP {name} {help}")
            lines.append(f"# TYPE {name} {kind}")
            for sample_name, labels, value in samples:
                lines.append(f"{sample_name}{_labels(labels)} {_number(value)}")
        return "\n".join(lines) + "\n"
