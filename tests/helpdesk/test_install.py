"""How the helpdesk is installed: its migrations after the platform's under their own ledger source,
REST exposing `helpdesk` by default, and ORICOL_HELPDESK=false giving the bare platform."""
from __future__ import annotations

import asyncpg

from oricol import bootstrap, migrate
from tests.support import pg
from tests.support.stack import config_for


async def test_ledger_records_the_helpdesk_migrations_under_their_own_source(admin):
    rows = await admin.fetch("select version, checksum from oricol.schema_migrations where source = 'helpdesk' "
                             "order by version")
    shipped = migrate.helpdesk_migrations()
    assert [r["version"] for r in rows] == [m.version for m in shipped]
    assert [r["checksum"] for r in rows] == [m.checksum for m in shipped]
    assert all(1 <= int(m.version) < 100 for m in shipped)  # the helpdesk's range (docs/DEVELOPING.md)


async def test_bare_platform_has_no_helpdesk(pg_server, tmp_path):
    name = f"bare_{tmp_path.name[-8:].replace('-', '_')}".lower()
    conn = await asyncpg.connect(pg_server.admin_url)
    await conn.execute(f'create database "{name}"')
    await conn.close()
    url = pg_server.url_for(name)
    try:
        await bootstrap.prepare(url, pg_server.password, None, helpdesk=False)
        conn = await asyncpg.connect(url)
        try:
            assert await conn.fetchval("select count(*) from pg_namespace where nspname = 'helpdesk'") == 0
            assert await conn.fetchval("select count(*) from oricol.schema_migrations where source = 'helpdesk'") == 0
        finally:
            await conn.close()
        bare = config_for(url, pg_server.password, tmp_path, ORICOL_HELPDESK="false")
        assert bare.helpdesk.enabled is False and bare.rest.schemas == ("public",)
    finally:
        await pg.drop(pg_server, name)


def test_rest_exposes_the_helpdesk_by_default_and_an_explicit_list_wins(db_url, pg_server, tmp_path):
    assert config_for(db_url, pg_server.password, tmp_path).rest.schemas == ("public", "helpdesk")
    given = config_for(db_url, pg_server.password, tmp_path, ORICOL_REST_SCHEMAS="public,api")
    assert given.rest.schemas == ("public", "api")


async def test_the_stack_runs_the_helpdesk_job_beside_the_gateway(stack, client):
    assert "helpdesk" in stack.services
    health = await client.get("/health")  # other parts (e.g. an unbuilt console) may be down here
    assert health.json()["parts"]["helpdesk"] == "up" and health.json()["parts"]["database"] == "up"
    metrics = stack.registry.render()
    assert "oricol_helpdesk_sla_breaches_marked_total" in metrics
