"""Running PostgreSQL's client programs (pg_dump, pg_dumpall, pg_restore) against a server URL.

The password travels in PGPASSWORD, not on the command line, where any local user could read it.
"""
from __future__ import annotations

import asyncio
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from oricol.pg.binaries import find_bindir


class ToolFailed(RuntimeError):
    pass


def without_password(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    if parts.password is None:
        return url, {}
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = (parts.username or "") + "@" + host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)), {"PGPASSWORD": unquote(parts.password)}


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


def database_of(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/")) or "postgres"


async def run(program: str, *args: str, url: str | None, bindir: Path | None = None) -> str:
    """Runs `program` (with `--dbname=url` if given); returns its stdout or raises ToolFailed."""
    bindir = bindir or find_bindir()
    target, extra = without_password(url) if url else ("", {})
    env = {**os.environ, **extra, "PGAPPNAME": "oricol-backup", "PGCONNECT_TIMEOUT": "10"}
    process = await asyncio.create_subprocess_exec(
        str(bindir / program), *([f"--dbname={target}"] if url else []), *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL)
    try:
        out, err = await process.communicate()
    except asyncio.CancelledError:
        process.kill()
        await process.wait()
        raise
    if process.returncode != 0:
        raise ToolFailed(f"{program} failed ({process.returncode}): {err.decode(errors='replace').strip()[-2000:]}")
    return out.decode(errors="replace")


async def version(program: str, bindir: Path | None = None) -> str:
    bindir = bindir or find_bindir()
    process = await asyncio.create_subprocess_exec(str(bindir / program), "--version",
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    out, _ = await process.communicate()
    return out.decode().strip()
