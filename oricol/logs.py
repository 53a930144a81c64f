"""Structured logs: one JSON object per line on stderr, so any collector can read them."""
from __future__ import annotations

import logging
import logging.handlers
import sys
import time
from pathlib import Path
from typing import Iterator

import orjson

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure(level: str = "info", stream=None, log_file: Path | None = None) -> None:
    """JSON lines on stderr and, when `log_file` is given, in a rotating file `oricol logs` reads."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handlers: list[logging.Handler] = [handler]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        rotating = logging.handlers.RotatingFileHandler(log_file, maxBytes=20 * 2**20, backupCount=5)
        rotating.setFormatter(JsonFormatter())
        handlers.append(rotating)
    root = logging.getLogger()
    root.handlers[:] = handlers
    root.setLevel(level.upper())
    for noisy in ("uvicorn.access",):
        logging.getLogger(noisy).disabled = True
    logging.getLogger("uvicorn.error").setLevel(max(logging.INFO, root.level))


def matches(line: str, filters: list[str]) -> bool:
    """`key=value` filters match a JSON field exactly; any other filter is a substring."""
    if not filters:
        return True
    try:
        entry = orjson.loads(line)
    except orjson.JSONDecodeError:
        entry = None
    for wanted in filters:
        key, sep, value = wanted.partition("=")
        if sep and isinstance(entry, dict):
            if str(entry.get(key)) != value:
                return False
        elif wanted not in line:
            return False
    return True


def follow(path: Path, *, from_end_lines: int, keep_following: bool, poll: float = 0.25) -> Iterator[str]:
    """The last lines of the log, then (if asked) each new line as it is written, across rotations."""
    lines = path.read_text(errors="replace").splitlines() if path.exists() else []
    yield from lines[-from_end_lines:] if from_end_lines else lines
    if not keep_following:
        return
    handle = open(path, "r", errors="replace") if path.exists() else None
    if handle:
        handle.seek(0, 2)
    inode = path.stat().st_ino if path.exists() else None
    buffer = ""
    while True:
        chunk = handle.read() if handle else ""
        if chunk:
            buffer += chunk
            *complete, buffer = buffer.split("\n")
            yield from complete
            continue
        time.sleep(poll)
        if path.exists() and path.stat().st_ino != inode:  # rotated: start on the new file
            if handle:
                handle.close()
            handle, inode = open(path, "r", errors="replace"), path.stat().st_ino
