-- Resumable (TUS) uploads in progress: the platform's own bookkeeping, not user data. Only
-- service_role (the storage service acting on its own authority) reads or writes these rows; the
-- object row itself is still written under the uploader's role when the last chunk arrives.
create table if not exists storage.oricol_resumable_uploads (
  id text primary key,
  bucket_id text not null references storage.buckets (id) on delete cascade,
  name text not null,
  owner text,
  upload_length bigint not null check (upload_length >= 0),
  upsert boolean not null default false,
  content_type text not null,
  cache_control text not null,
  user_metadata jsonb,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index if not exists oricol_resumable_uploads_expires on storage.oricol_resumable_uploads (expires_at);
alter table storage.oricol_resumable_uploads enable row level security;
revoke all on storage.oricol_resumable_uploads from anon, authenticated, public;
grant all on storage.oricol_resumable_uploads to service_role;
