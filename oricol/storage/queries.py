"""The SQL of the storage service: fixed statements whose values all arrive as parameters.

They run inside `oricol.db.as_caller`, so row-level security on storage.buckets and storage.objects
decides what each statement sees and may change. JSON answers are built by PostgreSQL.
"""
from __future__ import annotations

BUCKET_JSON = """json_build_object(
  'id', b.id, 'name', b.name, 'owner', coalesce(b.owner_id, b.owner::text, ''),
  'public', coalesce(b.public, false), 'type', 'STANDARD',
  'file_size_limit', b.file_size_limit, 'allowed_mime_types', b.allowed_mime_types,
  'created_at', b.created_at, 'updated_at', b.updated_at)"""

OBJECT_JSON = """json_build_object(
  'id', o.id, 'bucket_id', o.bucket_id, 'name', o.name, 'owner', coalesce(o.owner_id, o.owner::text),
  'owner_id', coalesce(o.owner_id, o.owner::text), 'version', o.version,
  'created_at', o.created_at, 'updated_at', o.updated_at, 'last_accessed_at', o.last_accessed_at,
  'metadata', o.metadata, 'user_metadata', o.user_metadata)"""

GET_BUCKET = f"select {BUCKET_JSON} from storage.buckets b where b.id = $1"

# The limits an upload must respect; read as service_role, as Storage reads them, so a user needs
# no select policy on buckets to upload (the object row itself is still checked by RLS).
BUCKET_LIMITS = """
select id, coalesce(public, false) as public, file_size_limit, allowed_mime_types
from storage.buckets where id = $1"""

INSERT_BUCKET = """
insert into storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types)
values ($1, $2, $3::uuid, $4, $5, $6, $7) returning id"""

UPDATE_BUCKET = """
update storage.buckets set
  public = coalesce($2, public),
  file_size_limit = case when $3 then $4 else file_size_limit end,
  allowed_mime_types = case when $5 then $6 else allowed_mime_types end,
  updated_at = now()
where id = $1 returning id"""

DELETE_BUCKET = "delete from storage.buckets where id = $1 returning id"

EMPTY_BUCKET = "delete from storage.objects where bucket_id = $1 returning id::text, version"

BUCKET_EXISTS = "select 1 from storage.buckets where id = $1"

BUCKET_LIMITS_AS_CALLER = "select * from storage.oricol_bucket_limits($1)"

# A new key in one statement; on conflict the existing row is locked and replaced (or refused).
INSERT_NEW_OBJECT = """
insert into storage.objects (id, bucket_id, name, owner, owner_id, metadata, user_metadata, version)
values (coalesce($8::uuid, gen_random_uuid()), $1, $2, $3::uuid, $4, $5::jsonb, $6::jsonb, $7)
on conflict (bucket_id, name) do nothing returning id::text"""

# The common case in one statement: a new key, within the bucket's size and mime limits. When it
# inserts nothing (no bucket, over a limit, or the key exists) the slower path says which.
INSERT_WITHIN_LIMITS = """
with limits as (select * from storage.oricol_bucket_limits($1))
insert into storage.objects (id, bucket_id, name, owner, owner_id, metadata, user_metadata, version)
select coalesce($8::uuid, gen_random_uuid()), $1, $2, $3::uuid, $4, $5::jsonb, $6::jsonb, $7 from limits
where (limits.file_size_limit is null or $9::bigint <= limits.file_size_limit)
  and (limits.allowed_mime_types is null or cardinality(limits.allowed_mime_types) = 0
       or exists (select 1 from unnest(limits.allowed_mime_types) p
                  where lower(trim(p)) in ($10, split_part($10, '/', 1) || '/*', '*/*', '*')))
on conflict (bucket_id, name) do nothing returning id::text"""

LOCK_KEY = "select pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))"

FIND_FOR_UPDATE = """
select id::text, version from storage.objects where bucket_id = $1 and name = $2 for update"""

INSERT_OBJECT = """
insert into storage.objects (bucket_id, name, owner, owner_id, metadata, user_metadata, version)
values ($1, $2, $3::uuid, $4, $5::jsonb, $6::jsonb, $7) returning id::text"""

REPLACE_OBJECT = """
update storage.objects set owner = $2::uuid, owner_id = $3, metadata = $4::jsonb, user_metadata = $5::jsonb,
  version = $6, updated_at = now(), last_accessed_at = now()
where id = $1::uuid returning id::text"""

FIND_OBJECT = """
select id::text, version, metadata, user_metadata, name, bucket_id, created_at, updated_at, last_accessed_at,
  coalesce(owner_id, owner::text) as owner
from storage.objects where bucket_id = $1 and name = $2"""

FIND_PUBLIC_OBJECT = """
select b.public, o.id::text, o.version, o.metadata, o.updated_at
from storage.buckets b left join storage.objects o on o.bucket_id = b.id and o.name = $2
where b.id = $1"""

VISIBLE_NAMES = "select name from storage.objects where bucket_id = $1 and name = any($2::text[])"

DELETE_OBJECTS = f"""
delete from storage.objects o where o.bucket_id = $1 and o.name = any($2::text[])
returning o.id::text, o.version, {OBJECT_JSON} as json"""

MOVE_OBJECT = """
update storage.objects set bucket_id = $3, name = $4, updated_at = now()
where bucket_id = $1 and name = $2 returning id::text"""
