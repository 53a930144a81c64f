"""docs/configuration.md is generated from the code that reads the configuration; it cannot drift.
When this fails, run `python -m oricol.config.reference > docs/configuration.md` (and give a new
variable a meaning in oricol/config/meanings.py or a comment where it is read)."""
from __future__ import annotations

import re
from pathlib import Path

from oricol import initenv
from oricol.config import load
from oricol.config.env import read_env_file
from oricol.config.reference import all_variables, render

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "oricol"


def test_the_reference_matches_the_code():
    assert (REPO / "docs" / "configuration.md").read_text() == render(), \
        "regenerate: python -m oricol.config.reference > docs/configuration.md"


def test_every_variable_the_code_reads_is_listed():
    """A second, independent look: every ORICOL_ name in oricol/config appears in the reference."""
    listed = {v.name for v in all_variables()}
    named = set()
    for path in (SOURCE / "config").glob("*.py"):
        if path.stem not in ("meanings", "reference"):
            named |= set(re.findall(r"\"(ORICOL_[A-Z0-9_]+)\"", path.read_text()))
    named.discard("ORICOL_ENV_FILE")  # read by Env.load itself, before any configuration
    assert named - listed == set()


def test_every_variable_has_a_meaning_type_and_default():
    for variable in all_variables():
        assert variable.meaning and variable.kind and variable.default, variable


def test_init_writes_a_commented_env_that_loads(tmp_path):
    path = tmp_path / ".env"
    initenv.write(path)
    text = path.read_text()
    values = read_env_file(path)
    assert set(values) == {"ORICOL_JWT_SECRET", "ORICOL_ANON_KEY", "ORICOL_SERVICE_ROLE_KEY",
                           "ORICOL_POSTGRES_PASSWORD", "ORICOL_DASHBOARD_USERNAME", "ORICOL_DASHBOARD_PASSWORD"}
    for variable in all_variables():
        if variable.name not in values:
            assert f"#{variable.name}=" in text, variable.name
    assert "# the gateway's port: every API route" in text
    load(path, {"ORICOL_DATA_DIR": str(tmp_path / "data")})  # the written file is a valid configuration
