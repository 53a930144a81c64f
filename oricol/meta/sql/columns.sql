-- Columns of tables, views, materialized views and foreign tables, shaped as information_schema.columns
-- reports them (data_type 'ARRAY' / 'USER-DEFINED' / the SQL name), plus identity, uniqueness, the first
-- single-column CHECK and enum labels.
select
  c.oid::int8 as table_id,
  n.nspname as schema,
  c.relname as table,
  c.oid::text || '.' || a.attnum::text as id,
  a.attnum as ordinal_position,
  a.attname as name,
  case when a.atthasdef then pg_get_expr(ad.adbin, ad.adrelid) end as default_value,
  case
    when coalesce(bt.typelem, t.typelem) <> 0 and coalesce(bt.typlen, t.typlen) = -1 then 'ARRAY'
    when coalesce(bn.nspname, tn.nspname) = 'pg_catalog' then format_type(coalesce(bt.oid, t.oid), null)
    else 'USER-DEFINED'
  end as data_type,
  coalesce(bt.typname, t.typname) as format,
  a.attidentity in ('a', 'd') as is_identity,
  case a.attidentity when 'a' then 'ALWAYS' when 'd' then 'BY DEFAULT' end as identity_generation,
  a.attgenerated = 's' as is_generated,
  not (a.attnotnull or (t.typtype = 'd' and t.typnotnull)) as is_nullable,
  (c.relkind in ('r', 'p')
   or (c.relkind in ('v', 'f') and pg_column_is_updatable(c.oid, a.attnum, false))) as is_updatable,
  exists (select from pg_constraint u
          where u.conrelid = c.oid and u.contype = 'u' and u.conkey = array[a.attnum]) as is_unique,
  (select substring(pg_get_constraintdef(k.oid, true) from '^CHECK \((.*)\)(?: NOT VALID)?$')
   from pg_constraint k
   where k.conrelid = c.oid and k.contype = 'c' and k.conkey = array[a.attnum]
   order by k.oid limit 1) as check,
  coalesce((select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e
   where e.enumtypid in (coalesce(bt.oid, t.oid), coalesce(bt.typelem, t.typelem))), '[]') as enums,
  col_description(c.oid, a.attnum) as comment
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
join pg_namespace tn on tn.oid = t.typnamespace
left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
left join (pg_type bt join pg_namespace bn on bn.oid = bt.typnamespace)
  on t.typtype = 'd' and bt.oid = t.typbasetype
where a.attnum > 0
  and not a.attisdropped
  and c.relkind in ('r', 'v', 'm', 'f', 'p')
  and not pg_is_other_temp_schema(n.oid)
  and (pg_has_role(c.relowner, 'USAGE')
       or has_column_privilege(c.oid, a.attnum, 'SELECT, INSERT, UPDATE, REFERENCES'))
