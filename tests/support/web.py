"""The web app (web/) for tests: its bundle built, and node run in its folder."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from oricol.staticfiles import WEB_DIST

from .locks import exclusive

REPO = Path(__file__).resolve().parents[2]
WEB_DIR = REPO / "web"
CHROMIUM = Path("/usr/bin/chromium")


def npm() -> str:
    found = shutil.which("npm")
    if found is None:
        raise AssertionError("Node.js >= 20 and npm are needed for the web app's tests (apt-get install nodejs npm)")
    return found


def ensure_node_modules() -> None:
    """`npm ci` when the pinned packages are not installed (make install-test normally did it); one
    process at a time, as two parallel workers would install into the same folder."""
    with exclusive(WEB_DIR):
        if not (WEB_DIR / "node_modules" / ".package-lock.json").is_file():
            subprocess.run([npm(), "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=WEB_DIR, check=True)


def ensure_built() -> None:
    """The bundle the server serves; built when missing (make keeps it fresh when sources change)."""
    ensure_node_modules()
    with exclusive(WEB_DIST):
        if not (WEB_DIST / "index.html").is_file():
            subprocess.run([npm(), "run", "build"], cwd=WEB_DIR, check=True, capture_output=True)
