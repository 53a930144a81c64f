"""The client's address as the gateway trusts it: the socket's peer, or what a trusted proxy says.

uvicorn's own proxy-header handling trusts 127.0.0.1 by default, so any local process could name
itself any address in X-Forwarded-For and escape every per-IP limit. We switch that off and decide
here: only when the peer is inside ORICOL_TRUSTED_PROXIES (empty by default) are X-Forwarded-For
and X-Forwarded-Proto read, and the client is the right-most address not itself a trusted proxy
(the left-most ones are whatever the client chose to send).
"""
from __future__ import annotations

import ipaddress
from typing import Any, Iterable, Mapping

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(items: Iterable[str]) -> tuple[Network, ...]:
    """CIDRs or single addresses; raises ValueError naming the bad item."""
    networks = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{item!r} is not an IP address or CIDR (e.g. 10.0.0.0/8)") from None
    return tuple(networks)


def is_trusted(address: str | None, trusted: tuple[Network, ...]) -> bool:
    if not address or not trusted:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def apply_forwarded(scope: dict[str, Any], headers: Mapping[str, str], trusted: tuple[Network, ...]) -> None:
    """Rewrites scope["client"] and scope["scheme"] in place when the peer is a trusted proxy."""
    peer = scope.get("client")
    if not is_trusted(peer[0] if peer else None, trusted):
        return
    forwarded = [a.strip() for a in headers.get("x-forwarded-for", "").split(",") if a.strip()]
    client = None
    for address in reversed(forwarded):
        client = address
        if not is_trusted(address, trusted):
            break
    if client is not None and _is_ip(client):
        scope["client"] = (client, 0)
    proto = headers.get("x-forwarded-proto", "").split(",")[-1].strip().lower()
    if proto in ("http", "https"):
        websocket = scope["type"] == "websocket"
        scope["scheme"] = {"http": "ws", "https": "wss"}[proto] if websocket else proto


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False
