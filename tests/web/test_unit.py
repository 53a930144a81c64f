"""The web app's unit tests (vitest: logic that lives in the client, e.g. filters → query, SLA countdown)."""
from __future__ import annotations

import subprocess

import pytest

from tests.support.web import WEB_DIR, ensure_node_modules, npm


def test_vitest_suite():
    ensure_node_modules()
    result = subprocess.run([npm(), "run", "test:unit", "--", "--reporter=verbose"], cwd=WEB_DIR,
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"vitest failed:\n{result.stdout[-12000:]}\n{result.stderr[-4000:]}", pytrace=False)
    assert "passed" in result.stdout
