"""The official clients reach the live server through the gateway (each service's own suite goes deep)."""
from __future__ import annotations

import httpx

from tests.support.node import run_node


def test_live_server_health(live):
    response = httpx.get(live.url + "/health")
    assert response.status_code == 200


def test_supabase_js_gets_kong_style_errors_without_a_key(live):
    result = run_node("""
const r = await fetch(URL_ + '/rest/v1/anything');
out({ status: r.status, body: await r.json() });
""", live)
    assert result == {"status": 401, "body": {"message": "No API key found in request"}}


async def test_websockets_are_served_without_per_message_compression(live):
    import websockets

    url = live.url.replace("http", "ws", 1) + f"/realtime/v1/websocket?apikey={live.anon_key}&vsn=1.0.0"
    async with websockets.connect(url) as socket:  # the client offers permessage-deflate by default
        assert socket.response.headers.get("Sec-WebSocket-Extensions") is None
