"""Crash leftovers: the scratch folders of dead processes are swept at start, live ones are kept."""
from __future__ import annotations

import os
import socket
import subprocess

from oricol.objectstore import scratch


def test_sweep_removes_only_dead_processes_leftovers(tmp_path):
    host = socket.gethostname()
    dead = subprocess.Popen(["true"])
    dead.wait()
    gone = tmp_path / f"{host}.{dead.pid}"
    live = tmp_path / f"{host}.{os.getppid()}"
    mine = scratch.process_dir(tmp_path)
    other_host = tmp_path / f"elsewhere.{dead.pid}"
    for folder in (gone, live, mine, other_host):
        folder.mkdir()
        (folder / "up-1").write_bytes(b"partial")
    (tmp_path / "up-legacy").write_bytes(b"x")
    (tmp_path / "keep.txt").write_bytes(b"x")
    assert scratch.sweep(tmp_path) == 2
    assert not gone.exists() and not (tmp_path / "up-legacy").exists()
    assert live.exists() and mine.exists() and other_host.exists() and (tmp_path / "keep.txt").exists()
