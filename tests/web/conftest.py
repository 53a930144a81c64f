"""One real `oricol start` (fresh data dir, free ports) shared by the browser tests of this folder."""
from __future__ import annotations

import pytest

from tests.support.project import project_in_tmp
from tests.support.web import ensure_built


@pytest.fixture(scope="session")
def web_project():
    ensure_built()
    with project_in_tmp(migrations=None) as project:
        project.cli("init")
        project.start(timeout=120)
        yield project
