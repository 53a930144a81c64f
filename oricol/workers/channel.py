"""A request/answer protocol between the processes of one node, over Unix sockets in a 0700 folder.

A client connects, writes one line (`command arg…`), reads the answer until the server closes (an answer
starting with `!` is a refusal, raised as ChannelError). That is all
the supervisor and its workers need to say to each other (readiness, metrics, the node's health), and it
keeps them independent of anything but the file system: no shared memory, no multiprocessing manager.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from pathlib import Path
from typing import Awaitable, Callable

Handler = Callable[[list[str]], Awaitable[bytes]]
PATH_MAX = 100  # sun_path holds 108 bytes
TIMEOUT = 3.0


class ChannelError(OSError):
    """The other process answered with a refusal (e.g. a command it does not know)."""


def channel_dir(preferred: Path) -> Path:
    """`preferred` (created 0700), or a private temporary folder when its socket paths would be too long."""
    if len(str(preferred)) + len("/worker-999.sock") > PATH_MAX:
        return Path(tempfile.mkdtemp(prefix="oricol-w-"))
    preferred.mkdir(parents=True, exist_ok=True)
    os.chmod(preferred, 0o700)
    return preferred


def supervisor_path(folder: Path) -> Path:
    return folder / "supervisor.sock"


def worker_path(folder: Path, index: int) -> Path:
    return folder / f"worker-{index}.sock"


async def serve(path: Path, handlers: dict[str, Handler]) -> asyncio.AbstractServer:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await asyncio.wait_for(reader.readline(), TIMEOUT)
            words = line.decode(errors="replace").split()
            handler = handlers.get(words[0]) if words else None
            writer.write(await handler(words[1:]) if handler else b"!unknown command\n")
            await writer.drain()
        except (OSError, asyncio.TimeoutError):
            pass  # the asker went away; it will ask again
        except Exception as error:  # a handler's bug: refuse this request, keep answering the next
            writer.write(f"!{error.__class__.__name__}: {error}\n".encode())
        finally:
            writer.close()

    path.unlink(missing_ok=True)  # noqa: ASYNC240 - once at start; left behind by a process killed with -9
    return await asyncio.start_unix_server(answer, path=str(path))


async def ask(path: Path, command: str, timeout: float = TIMEOUT) -> bytes:
    """The answer to `command`; raises OSError or TimeoutError when nobody answers in time."""
    async def exchange() -> bytes:
        reader, writer = await asyncio.open_unix_connection(str(path))
        try:
            writer.write(command.encode() + b"\n")
            await writer.drain()
            answer = await reader.read()
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
        if answer.startswith(b"!"):
            raise ChannelError(f"{path.name} refused {command!r}: {answer[1:].decode(errors='replace').strip()}")
        return answer

    return await asyncio.wait_for(exchange(), timeout)
