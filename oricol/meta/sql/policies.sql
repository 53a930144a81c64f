-- Row-level security policies; a policy for everyone lists the role "public".
select
  p.oid::int8 as id,
  n.nspname as schema,
  c.relname as table,
  c.oid::int8 as table_id,
  p.polname as name,
  case when p.polpermissive then 'PERMISSIVE' else 'RESTRICTIVE' end as action,
  case when p.polroles = '{0}'::oid[] then json_build_array('public')
       else (select coalesce(json_agg(r.rolname order by r.rolname), '[]')
             from pg_roles r where r.oid = any (p.polroles))
  end as roles,
  case p.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE'
                when 'd' then 'DELETE' when '*' then 'ALL' end as command,
  pg_get_expr(p.polqual, p.polrelid) as definition,
  pg_get_expr(p.polwithcheck, p.polrelid) as check
from pg_policy p
join pg_class c on c.oid = p.polrelid
join pg_namespace n on n.oid = c.relnamespace
