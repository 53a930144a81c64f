"""Structured logs: one JSON object per line on stderr, so any collector can read them."""
from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
import time
from io import TextIOWrapper
from pathlib import Path
from typing import Any, Iterator, Mapping, TextIO

import orjson

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}
# uvicorn's records carry an ANSI-coloured copy of the message for its own console formatter.
_DROPPED = {"color_message"}
# Query parameters that carry credentials: realtime clients send `apikey=` (even the service_role key)
# and `access_token=` in the websocket URL, and uvicorn writes that URL in its access line.
SECRET_PARAMS = ("apikey", "api_key", "access_token", "refresh_token", "id_token", "token", "token_hash",
                 "password", "secret", "code", "code_verifier", "key", "jwt", "authorization")
_SECRET_IN_QUERY = re.compile(r"(?i)([?&;]|\b)(" + "|".join(SECRET_PARAMS) + r")=[^&\s\"']*")


class _LifecycleOnce(logging.Filter):
    """A node runs several uvicorn servers in one process (the gateway, the mail catcher's web UI, the
    metrics port), and each announces "Started server process [pid]" and its shutdown steps on the one
    `uvicorn.error` logger: those lines are kept once per process."""

    PREFIXES = ("Started server process", "Waiting for application", "Application startup",
                "Shutting down", "Waiting for connections to close", "Finished server process")

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not message.startswith(self.PREFIXES):
            return True
        if message in self.seen:
            return False
        self.seen.add(message)
        return True


def redact(text: str) -> str:
    """Replaces the value of every credential-carrying query parameter in `text` with `redacted`."""
    if "=" not in text:
        return text
    return _SECRET_IN_QUERY.sub(lambda m: f"{m.group(1)}{m.group(2)}=redacted", text)


MAX_BYTES = 20 * 2**20
BACKUPS = 5


class JsonFormatter(logging.Formatter):
    def __init__(self, fields: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self.fields = dict(fields or {})  # on every line: the worker and pid of a multi-worker node

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
            **self.fields,
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in _DROPPED and not key.startswith("_"):
                entry[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        return orjson.dumps(entry, default=str).decode()


def configure(level: str = "info", stream: TextIO | None = None, log_file: Path | None = None, *,
              shared_file: bool = False, fields: Mapping[str, Any] | None = None) -> None:
    """JSON lines on stderr and, when `log_file` is given, in a rotating file `oricol logs` reads.

    `shared_file`: several processes (a node's workers) append to the one file. Each line is one
    O_APPEND write, so lines never interleave; only the supervisor rotates it (`rotate_if_large`), and a
    WatchedFileHandler reopens the new file in every process after a rotation. RotatingFileHandler in each
    process would instead rename the file under the others and rotate it once per process.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(fields))
    handlers: list[logging.Handler] = [handler]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        _create_private(log_file)
        if shared_file:
            to_file: logging.Handler = _PrivateWatchedHandler(log_file)
        else:
            to_file = _PrivateRotatingHandler(log_file, maxBytes=MAX_BYTES, backupCount=BACKUPS)
        to_file.setFormatter(JsonFormatter(fields))
        handlers.append(to_file)
    root = logging.getLogger()
    root.handlers[:] = handlers
    root.setLevel(level.upper())
    for noisy in ("uvicorn.access",):
        logging.getLogger(noisy).disabled = True
    uvicorn_error = logging.getLogger("uvicorn.error")
    # A logging.config.dictConfig run earlier in the process (by a library) disables every logger it does
    # not name; the server's own lines must come through whatever ran before.
    uvicorn_error.disabled = False
    # uvicorn's default logging config (used by any server started without log_config=None) gives the
    # `uvicorn` logger a console handler of its own and stops it propagating: our handlers would miss
    # every server line.
    uvicorn = logging.getLogger("uvicorn")
    uvicorn.handlers[:], uvicorn.propagate, uvicorn.disabled = [], True, False
    uvicorn_error.setLevel(max(logging.INFO, root.level))
    uvicorn_error.filters[:] = [f for f in uvicorn_error.filters if not isinstance(f, _LifecycleOnce)]
    uvicorn_error.addFilter(_LifecycleOnce())


def _create_private(path: Path) -> None:
    """Log lines hold user ids, emails and paths: the file is created 0600 like `.env` (and an existing
    one is narrowed), before any handler opens it with the process umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


class _PrivateRotatingHandler(logging.handlers.RotatingFileHandler):
    """Each new file after a rotation is 0600 too."""

    def _open(self) -> TextIOWrapper:
        _create_private(Path(self.baseFilename))
        return super()._open()


class _PrivateWatchedHandler(logging.handlers.WatchedFileHandler):
    def _open(self) -> TextIOWrapper:
        _create_private(Path(self.baseFilename))
        return super()._open()


def rotate_if_large(path: Path, max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> bool:
    """Renames path → path.1 → … → path.N (the oldest dropped) once it is over `max_bytes`; the writers'
    WatchedFileHandlers notice the new inode and carry on in a fresh file."""
    try:
        if path.stat().st_size < max_bytes:
            return False
    except FileNotFoundError:
        return False
    for number in range(backups - 1, 0, -1):
        older = path.with_name(f"{path.name}.{number}")
        if older.exists():
            older.replace(path.with_name(f"{path.name}.{number + 1}"))
    path.replace(path.with_name(f"{path.name}.1"))
    return True


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
