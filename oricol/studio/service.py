"""The web admin UI (the seed's Studio) at /studio: its built pages from the web bundle.

`/studio/api/...` is Studio's own API (not built yet: a JSON 404); every other path under /studio is
the Studio single-page app (web/studio → oricol/webapp/dist/studio), index.html for its client routes.
"""
from typing import Callable

from oricol.service import Platform, Service, not_built_yet
from oricol.staticfiles import WEB_DIST, StaticSite


def create(platform: Platform) -> Service:
    api = not_built_yet("studio", lambda status, msg: ({"message": msg}, status)).app
    site = StaticSite(root=WEB_DIST, index="studio/index.html")

    async def app(scope: dict, receive: Callable, send: Callable) -> None:
        path = scope["path"]
        if path == "/studio/api" or path.startswith("/studio/api/"):
            await api(scope, receive, send)
            return
        # Its pages are dist/studio/*; its hashed assets are the shared /assets/, served at /.
        await site(scope, receive, send)

    return Service(name="studio", app=app)
