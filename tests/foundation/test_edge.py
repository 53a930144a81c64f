"""The edge of a real server: whom forwarded headers are believed from, and how long a slow client
may hold a socket. Each test runs the real uvicorn server with the options `oricol start` uses."""
from __future__ import annotations

import socket
import time

import httpx
import pytest

from oricol.config import ConfigError
from oricol.config.env import Env
from oricol.config.gateway import GatewayConfig
from oricol.httpserver import OricolHttpProtocol
from oricol.serving import http_options
from tests.support.stack import LiveServer, config_for


@pytest.fixture
def live_with(db_url, pg_server, tmp_path):
    servers = []

    def start(http=None, **overrides) -> LiveServer:
        server = LiveServer(config_for(db_url, pg_server.password, tmp_path, **overrides), http=http or {})
        server.start()
        servers.append(server)
        return server
    yield start
    for server in servers:
        server.stop()


def _statuses(server: LiveServer, forwarded: list[str | None]) -> list[int]:
    statuses = []
    with httpx.Client(base_url=server.url, headers={"apikey": server.anon_key}, timeout=60) as http:
        for address in forwarded:
            headers = {"x-forwarded-for": address} if address else {}
            statuses.append(http.get("/rest/v1/nothing", headers=headers).status_code)
    return statuses


def test_forwarded_for_does_not_escape_the_per_ip_limit_by_default(live_with):
    """Before: uvicorn trusted X-Forwarded-For from 127.0.0.1, so each request named a new address."""
    server = live_with(ORICOL_RATE_LIMIT_IP="rest=3/3600")
    statuses = _statuses(server, [f"203.0.113.{n}" for n in range(5)])
    assert statuses[:3].count(429) == 0 and statuses[3:] == [429, 429]


def test_forwarded_for_is_believed_from_a_trusted_proxy_only(live_with):
    server = live_with(ORICOL_RATE_LIMIT_IP="rest=2/3600", ORICOL_TRUSTED_PROXIES="127.0.0.0/8")
    # Each client address has its own bucket; a client-chosen address left of the proxy's is ignored.
    assert _statuses(server, ["203.0.113.1", "203.0.113.2", "203.0.113.3"]).count(429) == 0
    assert _statuses(server, ["198.51.100.7", "10.9.9.9, 198.51.100.7", "1.1.1.1, 198.51.100.7"])[2] == 429


def test_trusted_proxies_are_validated():
    config = GatewayConfig.from_env(Env({"ORICOL_TRUSTED_PROXIES": "10.0.0.0/8, ::1"}), None)
    assert [str(n) for n in config.trusted_proxies] == ["10.0.0.0/8", "::1/128"]
    assert GatewayConfig.from_env(Env({}), None).trusted_proxies == ()
    with pytest.raises(ConfigError, match="ORICOL_TRUSTED_PROXIES"):
        GatewayConfig.from_env(Env({"ORICOL_TRUSTED_PROXIES": "10.0.0.0/8,localhost"}), None)


class _Quick(OricolHttpProtocol):
    header_timeout = 0.5
    body_idle_timeout = 0.5


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """True when the server closes the connection (recv sees EOF or a reset) within `seconds`."""
    sock.settimeout(seconds)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def test_the_server_runs_the_protocol_with_read_timeouts(config):
    assert http_options(config)["http"] is OricolHttpProtocol
    assert http_options(config)["proxy_headers"] is False
    assert OricolHttpProtocol.header_timeout <= 30 and OricolHttpProtocol.body_idle_timeout <= 60


@pytest.mark.parametrize("sent", [b"", b"GET /health HTTP/1.1\r\nHost: x\r\n",
                                  b"POST /rest/v1/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789"],
                         ids=["nothing", "half-headers", "half-body"])
def test_slow_clients_are_disconnected(live_with, sent):
    server = live_with(http={"http": _Quick})
    host, port = server.url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(sent)
        # 0.5 s timeouts; generous bounds, as a loaded machine delays the event loop (uvicorn alone never closes)
        assert _closed_within(sock, 20), "the server kept a trickling client's socket open"
    assert time.monotonic() - started < 20


def test_trickled_headers_do_not_reset_the_header_timeout(live_with):
    server = live_with(http={"http": _Quick})
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.settimeout(0.1)
        deadline = time.monotonic() + 3
        closed = False
        for byte in b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"a" * 100:
            try:
                sock.sendall(bytes([byte]))
                if sock.recv(1) == b"":
                    closed = True
                    break
            except socket.timeout:
                pass
            except (ConnectionResetError, BrokenPipeError):
                closed = True
                break
            if time.monotonic() > deadline:
                break
        assert closed or _closed_within(sock, 1)


def test_a_prompt_client_is_served_and_kept_alive(live_with):
    server = live_with(http={"http": _Quick})
    with httpx.Client(base_url=server.url, timeout=60) as http:  # a loaded machine answers slowly
        assert http.get("/health").status_code in (200, 503)
        time.sleep(0.8)  # longer than the header timeout, shorter than keep-alive: still one good connection
        assert http.get("/health").status_code in (200, 503)
        big = http.post("/rest/v1/x", content=b"x" * 200_000, headers={"apikey": server.anon_key})
        assert big.status_code < 500
