"""The first run as a newcomer does it: `oricol init` and `oricol start` as root in a folder the
`postgres` user cannot enter (any `mktemp -d`, /root/...). Before: it stopped after initdb with
"cannot enter" and left a half-made ./data; now the cluster lives where that user reaches it."""
from __future__ import annotations

import os
import shutil
import signal
import stat
import tempfile
from pathlib import Path

import httpx
import pytest

from oricol.pg.embedded import RELOCATED_ROOT, placement
from tests.support.project import Project, alive

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="only root's clusters run as another user")


@pytest.fixture
def private_project():
    root = Path(tempfile.mkdtemp(prefix="oricol-private-"))  # 0700, owned by root
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    project = Project(root)
    yield project
    if project.process is not None:
        project.stop(signal.SIGKILL)
    pid = project.postmaster_pid()
    if pid and alive(pid):
        os.kill(pid, signal.SIGQUIT)
    link = root / "data" / "postgres"
    if link.is_symlink():
        shutil.rmtree(Path(os.readlink(link)).parent, ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)


def test_start_as_root_in_a_folder_postgres_cannot_enter(private_project):
    project = private_project
    project.cli("init")
    project.start(timeout=120)
    keys = project.keys()
    r = httpx.get(project.url + "/rest/v1/", headers={"apikey": keys["anon_key"]})
    assert r.status_code == 200, r.text
    link = project.root / "data" / "postgres"
    assert link.is_symlink() and Path(os.readlink(link)).is_relative_to(RELOCATED_ROOT)
    assert (link / "PG_VERSION").is_file()
    assert project.stop() == 0
    project.start(timeout=120)  # the same cluster again, found through the link
    assert project.stop() == 0


def test_placement_stays_in_a_reachable_data_dir(tmp_path):
    reachable = Path(tempfile.mkdtemp(prefix="oricol-open-"))
    try:
        os.chmod(reachable, 0o755)
        assert placement(reachable / "data", create=True) == (reachable / "data" / "postgres", reachable / "data" / "run")
        # Nothing is made for a private one until a cluster is to be created.
        private = Path(tempfile.mkdtemp(prefix="oricol-private-"))
        assert placement(private / "data", create=False)[0] == private / "data" / "postgres"
        assert not (private / "data").exists()
        shutil.rmtree(private)
    finally:
        shutil.rmtree(reachable)
