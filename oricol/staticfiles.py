"""Serving a built single-page app from a folder: the helpdesk at / and Studio at /studio share this.

A bottom-layer ASGI app (no service imports it from another). Rules, as a SPA host needs them:
files under `assets/` are content-hashed by Vite, so they are cached for a year (`immutable`); HTML is
`no-cache` (revalidated by ETag each time) so a new build is picked up at once; any path that is not a
file falls back to the app's `index.html` (client-side routes), except a missing asset, which is a 404
(a browser must not get HTML for a script). Paths never leave the folder. GET and HEAD only.
"""
from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from oricol.asgi import Receive, Scope, Send

WEB_DIST = Path(__file__).resolve().parent / "webapp" / "dist"  # where `npm run build` in web/ writes

TYPES = {
    ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon",
    ".woff2": "font/woff2", ".woff": "font/woff", ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json", ".map": "application/json",
}
COMPRESSIBLE = (".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".map")
IMMUTABLE = b"public, max-age=31536000, immutable"

NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Oricol: web app not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The web app is not built yet</h1>
<p>The API is running; the browser app needs its bundle. From the repository, run <code>make start</code>
(it builds the bundle when it is missing), or build it by hand:</p>
<pre>cd web &amp;&amp; npm ci &amp;&amp; npm run build</pre>
<p>This needs Node.js 20 or newer. The bundle is written to <code>oricol/webapp/dist/</code>.</p>
</body></html>
"""


@dataclass
class _Cached:
    stamp: tuple[int, int]
    body: bytes
    gzipped: bytes | None
    etag: bytes


@dataclass
class StaticSite:
    """`root`: the built folder; `prefix`: the URL path it is served under ('' or '/studio');
    `index`: the fallback page for client-side routes, relative to root."""

    root: Path
    prefix: str = ""
    index: str = "index.html"
    _cache: dict[Path, _Cached] = field(default_factory=dict)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4404})
            return
        if scope["type"] != "http":
            return
        if scope["method"] not in ("GET", "HEAD"):
            await _plain(send, 405, b"Method not allowed\n", [(b"allow", b"GET, HEAD")])
            return
        relative = self.relative(scope["path"])
        target = self.resolve(relative) if relative is not None else None
        if relative is None or (target is None and relative.startswith("assets/")):
            await _plain(send, 404, b"Not found\n")
            return
        if target is None:
            target = self.resolve(self.index)
            if target is None:
                await _plain(send, 503, NOT_BUILT.encode(), content_type=b"text/html; charset=utf-8",
                             head=scope["method"] == "HEAD")
                return
        await self.send_file(scope, send, target, immutable=relative.startswith("assets/"))

    def relative(self, path: str) -> str | None:
        """The path inside the folder, or None for one that tries to leave it."""
        inner = path[len(self.prefix):] if self.prefix and path.startswith(self.prefix) else path
        decoded = unquote(inner)
        parts = [p for p in decoded.split("/") if p not in ("", ".")]
        if any(p == ".." or "\\" in p or "\0" in p for p in parts):
            return None
        return "/".join(parts)

    def resolve(self, relative: str) -> Path | None:
        """An existing regular file strictly inside root (symlinks out of it are refused)."""
        if not relative:
            return None
        root = self.root.resolve()
        try:
            candidate = (root / relative).resolve()
        except (OSError, RuntimeError):
            return None
        if root not in candidate.parents or not candidate.is_file():
            return None
        return candidate

    def load(self, path: Path) -> _Cached:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = self._cache.get(path)
        if cached is None or cached.stamp != stamp:
            body = path.read_bytes()
            zipped = gzip.compress(body, 6) if path.suffix in COMPRESSIBLE and len(body) > 1024 else None
            etag = b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
            cached = self._cache[path] = _Cached(stamp, body, zipped, etag)
        return cached

    async def send_file(self, scope: Scope, send: Send, path: Path, *, immutable: bool) -> None:
        cached = self.load(path)
        headers = _headers(scope)
        kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        common = [(b"etag", cached.etag), (b"cache-control", IMMUTABLE if immutable else b"no-cache"),
                  (b"vary", b"accept-encoding"), (b"x-content-type-options", b"nosniff")]
        if cached.etag in _etags(headers.get(b"if-none-match", b"")):
            await send({"type": "http.response.start", "status": 304, "headers": common})
            await send({"type": "http.response.body", "body": b""})
            return
        body, extra = cached.body, []
        if cached.gzipped is not None and b"gzip" in headers.get(b"accept-encoding", b""):
            body, extra = cached.gzipped, [(b"content-encoding", b"gzip")]
        await send({"type": "http.response.start", "status": 200, "headers": common + extra + [
            (b"content-type", kind.encode()), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {k.lower(): v for k, v in scope.get("headers", [])}


def _etags(value: bytes) -> set[bytes]:
    return {tag.strip().removeprefix(b"W/") for tag in value.split(b",") if tag.strip()}


async def _plain(send: Send, status: int, body: bytes, extra: list[tuple[bytes, bytes]] | None = None,
                 content_type: bytes = b"text/plain; charset=utf-8", head: bool = False) -> None:
    await send({"type": "http.response.start", "status": status, "headers": (extra or []) + [
        (b"content-type", content_type), (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-cache")]})
    await send({"type": "http.response.body", "body": b"" if head else body})
