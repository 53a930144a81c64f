-- Schemas the admin can use, without PostgreSQL's temporary ones.
select n.oid::int8 as id, n.nspname as name, r.rolname as owner
from pg_namespace n
join pg_roles r on r.oid = n.nspowner
where not starts_with(n.nspname, 'pg_temp_')
  and not starts_with(n.nspname, 'pg_toast_temp_')
  and (pg_has_role(n.nspowner, 'USAGE') or has_schema_privilege(n.oid, 'CREATE, USAGE'))
