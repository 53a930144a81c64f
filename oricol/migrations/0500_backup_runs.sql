-- Every backup run, successful or not, so `oricol status` (and any node) can show the last of each.
create table if not exists oricol.backup_runs (
  id bigserial primary key,
  started_at timestamptz not null,
  finished_at timestamptz not null default now(),
  ok boolean not null,
  trigger text not null,
  name text,
  bytes bigint,
  error text
);
create index if not exists backup_runs_finished on oricol.backup_runs (ok, finished_at desc);
