-- The limits an upload must respect (size, mime types), readable inside the uploader's own
-- transaction without a select policy on storage.buckets (Storage reads them with its own authority;
-- the object row itself is still decided by RLS). Exposes only these four columns of one bucket.
create or replace function storage.oricol_bucket_limits(bucket text)
returns table (id text, public boolean, file_size_limit bigint, allowed_mime_types text[])
language sql stable security definer set search_path = '' as $$
  select b.id, coalesce(b.public, false), b.file_size_limit, b.allowed_mime_types
  from storage.buckets b where b.id = bucket
$$;
revoke all on function storage.oricol_bucket_limits(text) from public;
grant execute on function storage.oricol_bucket_limits(text) to anon, authenticated, service_role;
