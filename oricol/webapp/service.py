"""The helpdesk's browser app, mounted by the gateway under every path that is not an API's.

`/config.json` tells the bundle where the API is and which key to present (the anon key: it is public
by design, RLS guards the data); never the service_role key. Everything else is the built bundle
(oricol/staticfiles.py): hashed assets cached for a year, index.html for client-side routes.
"""
from __future__ import annotations

import orjson

from oricol.asgi import Receive, Scope, Send
from oricol.service import Platform, Service
from oricol.staticfiles import WEB_DIST, StaticSite


def create(platform: Platform) -> Service:
    core = platform.config.core
    config_body = orjson.dumps({"url": core.public_url, "anonKey": core.anon_key})
    site = StaticSite(root=WEB_DIST)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/config.json" and scope["method"] in ("GET", "HEAD"):
            await send({"type": "http.response.start", "status": 200, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(config_body)).encode()),
                (b"cache-control", b"no-store")]})
            await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else config_body})
            return
        await site(scope, receive, send)

    async def health() -> str:
        return "up"

    return Service(name="webapp", app=app, health=health,
                   extras={"built": lambda: (WEB_DIST / "index.html").is_file()})
