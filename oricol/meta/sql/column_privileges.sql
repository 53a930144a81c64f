-- Each column's privileges, as information_schema.column_privileges defines them but with materialized
-- views too: a privilege on the whole relation counts for every column (it overrides column grants),
-- plus the grants on the column itself. Only entries whose grantor or grantee the admin is (a member
-- of), or granted to PUBLIC, are shown; columns without any such entry are left out.
select
  (a.attrelid::int8 || '.' || a.attnum) as column_id,
  n.nspname as relation_schema,
  c.relname as relation_name,
  a.attname as column_name,
  json_agg(json_build_object(
             'grantor', pg_get_userbyid(p.grantor),
             'grantee', case when p.grantee = 0 then 'PUBLIC' else pg_get_userbyid(p.grantee) end,
             'privilege_type', p.privilege_type,
             'is_grantable', p.is_grantable)
           order by p.grantee <> 0, pg_get_userbyid(p.grantee), p.privilege_type) as privileges
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
cross join lateral (
  select * from aclexplode(coalesce(c.relacl, acldefault('r', c.relowner)))
  union
  select * from aclexplode(coalesce(a.attacl, acldefault('c', c.relowner)))
) p
where c.relkind in ('r', 'v', 'm', 'f', 'p')
  and a.attnum > 0 and not a.attisdropped
  and p.privilege_type in ('INSERT', 'SELECT', 'UPDATE', 'REFERENCES')
  and case when p.grantee = 0 then true
           else pg_has_role(p.grantee, 'USAGE') or pg_has_role(p.grantor, 'USAGE') end
group by a.attrelid, a.attnum, a.attname, n.nspname, c.relname
