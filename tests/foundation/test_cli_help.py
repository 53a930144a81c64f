"""The command line explains itself: every command and every option has help text, and the README
names the options a newcomer reaches for."""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from oricol.cli import parser

REPO = Path(__file__).resolve().parents[2]


def _parsers(top: argparse.ArgumentParser):
    yield "oricol", top
    for action in top._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield f"oricol {name}", sub


def test_every_option_has_help():
    missing = []
    for name, p in _parsers(parser()):
        for action in p._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            if not action.help:
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert missing == []


def test_readme_lists_the_everyday_options():
    readme = (REPO / "README.md").read_text()
    for option in ("--env-file", "start --wait", "logs -n", "start --detach", "--only", "docs/setup.md",
                   "docs/configuration.md", "docs/architecture.md", "docs/commands.md"):
        assert option in readme, option


def test_migrate_names_a_missing_folder(tmp_path):
    result = subprocess.run([sys.executable, "-m", "oricol", "migrate", str(tmp_path / "nowhere")], cwd=tmp_path,
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
                            timeout=60)
    assert result.returncode == 1 and "nowhere does not exist" in result.stderr


def test_the_package_license_is_an_spdx_string():
    """A `license = {text = ...}` table made every install print setuptools' deprecation box."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"


def test_every_page_the_readme_and_docs_link_exists():
    for page in [REPO / "README.md", *(REPO / "docs").glob("*.md")]:
        for target in __import__("re").findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text()):
            assert (page.parent / target).exists(), f"{page.name} links {target}"


def test_developing_points_only_inside_the_repository():
    text = (REPO / "docs" / "DEVELOPING.md").read_text()
    assert "../shared" not in text and "/work/" not in text
