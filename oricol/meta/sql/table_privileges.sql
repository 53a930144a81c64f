-- Each relation's ACL (tables, views, materialized views, foreign and partitioned tables), one entry per
-- grantee and privilege; a relation without an explicit ACL shows the owner's default privileges. Only
-- relations the admin owns (or is a member of the owner) or holds some privilege on are listed.
select
  c.oid::int8 as relation_id,
  n.nspname as schema,
  c.relname as name,
  case c.relkind when 'r' then 'table' when 'v' then 'view' when 'm' then 'materialized_view'
                 when 'f' then 'foreign_table' when 'p' then 'partitioned_table' end as kind,
  coalesce((
    select json_agg(json_build_object(
             'grantor', pg_get_userbyid(acl.grantor),
             'grantee', case when acl.grantee = 0 then 'PUBLIC' else pg_get_userbyid(acl.grantee) end,
             'privilege_type', acl.privilege_type,
             'is_grantable', acl.is_grantable)
           order by acl.grantee <> 0, pg_get_userbyid(acl.grantee), acl.privilege_type)
    from aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) acl
  ), '[]') as privileges
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'v', 'm', 'f', 'p')
  and not pg_is_other_temp_schema(c.relnamespace)
  and (pg_has_role(c.relowner, 'USAGE')
       or has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
       or has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE, REFERENCES'))
