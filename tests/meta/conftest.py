"""Fixtures of the meta suite: a database carrying the REST suite's schema (tests/rest/schema.sql) plus
a few objects of every kind postgres-meta lists, and HTTP clients through the gateway."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import pg

SCHEMA = (Path(__file__).parent.parent / "rest" / "schema.sql").read_text()
EXTRA = """
create schema inventory;
create type inventory.condition as enum ('new', 'used', 'broken');
create table inventory.assets (
  id uuid primary key default gen_random_uuid(),
  tag text not null unique,
  state inventory.condition not null default 'new',
  cost numeric(10,2) check (cost >= 0),
  owner_id bigint references public.authors(id)
);
comment on table inventory.assets is 'IT assets';
comment on column inventory.assets.tag is 'asset tag';
create view public.author_names as select id, name from public.authors;
create materialized view public.book_counts as select author_id, count(*) as n from public.books group by author_id;
create index books_title_idx on public.books (title);
create function public.touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger books_touch before insert or update on public.books for each row
  when (new.title is not null) execute function public.touch('a', 'b');
create publication meta_test_pub for table public.books;
"""


@pytest.fixture
async def seeded(db_url):
    await pg.run_sql(db_url, SCHEMA, EXTRA)
    return db_url


@pytest.fixture
def config(seeded, config):
    return config


@pytest.fixture
def meta(service_client):
    return service_client
