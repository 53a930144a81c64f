"""Migrations: applied once, in order, each in a transaction, checksummed, failures located."""
from __future__ import annotations

from pathlib import Path

import pytest

from oricol import migrate
from oricol.sqlsplit import split


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


async def test_app_migrations_apply_in_order_once(admin, tmp_path):
    write(tmp_path, "20240102000000_second.sql", "insert into public.t values (2);")
    write(tmp_path, "20240101000000_first.sql", "create table public.t (v int);\ninsert into public.t values (1);")
    write(tmp_path, "README.md", "not a migration")
    applied = await migrate.apply(admin, migrate.app_migrations(tmp_path))
    assert [m.version for m in applied] == ["20240101000000", "20240102000000"]
    assert await migrate.apply(admin, migrate.app_migrations(tmp_path)) == []
    assert [r[0] for r in await admin.fetch("select v from public.t order by v")] == [1, 2]
    recorded = await admin.fetch("select version, checksum from oricol.schema_migrations where source = 'app'")
    assert len(recorded) == 2 and all(len(r["checksum"]) == 64 for r in recorded)


async def test_changed_applied_migration_is_an_error(admin, tmp_path):
    path = write(tmp_path, "20240101000000_a.sql", "create table public.a (v int);")
    await migrate.apply(admin, migrate.app_migrations(tmp_path))
    path.write_text("create table public.a (v int, w int);")
    with pytest.raises(migrate.MigrationError, match="checksum"):
        await migrate.apply(admin, migrate.app_migrations(tmp_path))


async def test_failing_migration_rolls_back_and_names_file_and_line(admin, tmp_path):
    write(tmp_path, "20240101000000_ok.sql", "create table public.ok (v int);")
    write(tmp_path, "20240102000000_bad.sql",
          "create table public.half (v int);\n\n-- a comment\ninsert into public.half\n  values ('not a number');\n")
    with pytest.raises(migrate.MigrationError) as caught:
        await migrate.apply(admin, migrate.app_migrations(tmp_path))
    error = caught.value
    assert error.file.endswith("20240102000000_bad.sql")
    assert error.line == 5
    assert "20240102000000_bad.sql:5" in str(error) and "integer" in str(error)
    # The good file stayed; nothing of the bad one did.
    assert await admin.fetchval("select to_regclass('public.ok') is not null")
    assert await admin.fetchval("select to_regclass('public.half') is null")
    versions = [r[0] for r in await admin.fetch("select version from oricol.schema_migrations where source='app'")]
    assert versions == ["20240101000000"]


async def test_syntax_error_line_comes_from_the_error_position(admin, tmp_path):
    write(tmp_path, "1_syntax.sql", "select 1;\nselect\n  2 +\n  from nowhere;\n")
    with pytest.raises(migrate.MigrationError) as caught:
        await migrate.apply(admin, migrate.app_migrations(tmp_path))
    assert caught.value.line == 4


def test_duplicate_versions_are_refused(tmp_path):
    write(tmp_path, "1_a.sql", "select 1;")
    write(tmp_path, "1_b.sql", "select 2;")
    with pytest.raises(migrate.MigrationError, match="version 1"):
        migrate.app_migrations(tmp_path)


def test_platform_migrations_are_numbered_and_unique():
    versions = [m.version for m in migrate.platform_migrations()]
    assert versions == sorted(versions, key=int) and len(set(versions)) == len(versions) >= 5


def test_split_knows_quotes_dollar_quotes_and_comments():
    script = """
-- leading comment; with a semicolon
create function f() returns text language plpgsql as $body$
begin
  return 'a;b';  -- inside
end
$body$;
select 'it''s; fine', "odd;name", E'back\\';slash';
/* block ; comment /* nested; */ */ select 3;
select $$x;y$$ ;
"""
    statements = split(script)
    assert [s.text.split()[0] for s in statements] == ["create", "select", "select", "select"]
    assert statements[0].line == 3
    assert statements[1].text.startswith("select 'it''s; fine'")
    assert statements[2].text.startswith("/* block") or statements[2].text.startswith("select 3")
    assert statements[3].text.strip() == "select $$x;y$$"
