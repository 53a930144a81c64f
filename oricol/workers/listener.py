"""The gateway's listening socket, opened once by the supervisor and inherited by every worker.

Why one shared socket rather than SO_REUSEPORT (one socket per worker on the same port):
- A connection waits in the one kernel backlog until some worker accepts it. With SO_REUSEPORT the
  kernel hashes each connection to one worker's own backlog, and the connections queued there are reset
  when that worker dies; with the shared socket a dying or restarting worker loses nothing queued.
- The port is bound once, before any worker starts: "address in use" is reported once, clearly, and no
  other program of the same user can slip a listener onto the port between two worker restarts (which
  SO_REUSEPORT allows).
- It needs nothing beyond fd inheritance, which behaves the same on every Unix.
The cost is that the kernel does not balance accepted connections evenly: whichever idle worker wakes
first accepts, so a busy worker accepts fewer — which is the balance we want under load.
"""
from __future__ import annotations

import socket

BACKLOG = 2048  # uvicorn's default: enough for a burst while every worker is busy or restarting


def open_shared(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket for `host:port` (IPv6 if `host` is an IPv6 address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY only on accepted sockets whose proto says TCP, and
    # accepted sockets copy the listener's. With proto 0 every small response waited ~40 ms for Nagle.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # restart over TIME_WAIT connections
        if family == socket.AF_INET6 and host == "::":
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)  # as uvicorn: "::" means both stacks
        sock.bind((host, port))
        sock.listen(BACKLOG)
        sock.set_inheritable(True)
    except OSError:
        sock.close()
        raise
    return sock
