"""One Prometheus view over every process of a node.

Each process keeps its own registry (counters cost a dict add, no locks between processes). Whoever serves
/metrics asks every worker for its text over the node channel and merges them: each worker's samples get a
`worker="N"` label, so `sum by (…)` in PromQL gives the node's totals and a restarted worker's counters
reset like any restarted process's. The supervisor's own metrics (mail catcher, restarts) come unlabelled.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

from . import channel


def with_label(sample: str, name: str, value: str) -> str:
    """`metric{a="b"} 1` → `metric{name="value",a="b"} 1` (a metric name never contains `{` or a space)."""
    label = f'{name}="{value}"'
    for at, char in enumerate(sample):
        if char == "{":
            inner = sample[at + 1:]
            return f"{sample[:at]}{{{label}{'' if inner.startswith('}') else ','}{inner}"
        if char == " ":
            return f"{sample[:at]}{{{label}}}{sample[at:]}"
    return sample


def merge(texts: list[tuple[str | None, str]]) -> str:
    """Exposition texts, each with its worker label (or None), as one text with each family grouped once."""
    headers: dict[str, list[str]] = {}
    samples: dict[str, list[str]] = {}
    for worker, text in texts:
        family: str | None = None
        for line in text.splitlines():
            if line.startswith("# HELP ") or line.startswith("# TYPE "):
                family = line.split(" ", 3)[2]
                known = headers.setdefault(family, [])
                if not any(h[:7] == line[:7] for h in known):
                    known.append(line)
                samples.setdefault(family, [])
            elif line and not line.startswith("#"):
                target = family or line.split("{", 1)[0].split(" ", 1)[0]
                headers.setdefault(target, [])
                samples.setdefault(target, []).append(line if worker is None else with_label(line, "worker", worker))
    lines: list[str] = []
    for family, head in headers.items():
        lines.extend(head)
        lines.extend(samples[family])
    return "\n".join(lines) + "\n"


async def gather(folder: Path, workers: int, own: tuple[str | None, str] | None = None) -> str:
    """The merged text of the supervisor and every worker that answers (one restarting is left out)."""
    async def text_of(index: int | None) -> tuple[str | None, str] | None:
        if own is not None and own[0] == (None if index is None else str(index)):
            return own
        path = channel.supervisor_path(folder) if index is None else channel.worker_path(folder, index)
        try:
            answer = await channel.ask(path, "metrics", timeout=2.0)
        except (OSError, asyncio.TimeoutError):
            return None
        return (None if index is None else str(index)), answer.decode()

    answers = await asyncio.gather(text_of(None), *(text_of(i) for i in range(workers)))
    return merge([answer for answer in answers if answer is not None])
