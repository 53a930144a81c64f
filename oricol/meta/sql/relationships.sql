-- Foreign keys as the type generator names them: the referencing relation and columns, the referenced
-- ones, and whether the key is one-to-one (its columns are exactly a primary key or unique constraint
-- of the referencing table, so at most one row points at each referenced row).
select
  k.conname as foreign_key_name,
  sn.nspname as schema,
  s.relname as relation,
  (select json_agg(a.attname order by u.ord) from unnest(k.conkey) with ordinality u(num, ord)
     join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.num) as columns,
  exists (select from pg_constraint uk
          where uk.conrelid = k.conrelid and uk.contype in ('p', 'u')
            and uk.conkey @> k.conkey and uk.conkey <@ k.conkey) as is_one_to_one,
  tn.nspname as referenced_schema,
  t.relname as referenced_relation,
  (select json_agg(a.attname order by u.ord) from unnest(k.confkey) with ordinality u(num, ord)
     join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.num) as referenced_columns
from pg_constraint k
join pg_class s on s.oid = k.conrelid
join pg_namespace sn on sn.oid = s.relnamespace
join pg_class t on t.oid = k.confrelid
join pg_namespace tn on tn.oid = t.relnamespace
where k.contype = 'f'
