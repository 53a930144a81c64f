"""The browser tests (web/e2e/*.test.mjs): node --test + playwright-core driving Debian's Chromium
against one real `oricol start`. One pytest test per spec file; a failure shows node's report."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.support.web import CHROMIUM, REPO, WEB_DIR

SPECS = sorted((WEB_DIR / "e2e").glob("*.test.mjs"))
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"


@pytest.mark.parametrize("spec", SPECS, ids=[spec.name.removesuffix(".test.mjs") for spec in SPECS])
def test_browser(spec: Path, web_project):
    assert CHROMIUM.exists(), "Debian's chromium is needed at /usr/bin/chromium (apt-get install chromium)"
    keys = web_project.keys()
    env = {**os.environ, "ORICOL_URL": web_project.url, "ANON_KEY": keys["anon_key"],
           "SERVICE_ROLE_KEY": keys["service_role_key"], "MAIL_URL": keys["mail_url"],
           "SCREENSHOT_DIR": str(SCREENSHOTS),
           # Studio's console login, and the secret its test greps the console's responses for.
           "DASHBOARD_USERNAME": keys["studio_username"], "DASHBOARD_PASSWORD": keys["studio_password"],
           "JWT_SECRET": keys["jwt_secret"]}
    result = subprocess.run(["node", "--experimental-websocket", "--test", "--test-reporter=spec", str(spec)],
                            cwd=WEB_DIR, env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.fail(f"{spec.name} failed:\n{result.stdout[-12000:]}\n{result.stderr[-4000:]}\n"
                    f"server log tail:\n{web_project.server_log()}", pytrace=False)
