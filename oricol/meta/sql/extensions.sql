-- Every extension the server offers, with where and which version it is installed (null if not).
select
  a.name,
  n.nspname as schema,
  a.default_version,
  x.extversion as installed_version,
  a.comment
from pg_available_extensions() as a(name, default_version, comment)
left join pg_extension x on x.extname = a.name
left join pg_namespace n on n.oid = x.extnamespace
