-- Types: base, enum, domain, range and composite types; table row types and array types only on request
-- (the two slots are booleans from the request: include table row types, include array types).
select
  t.oid::int8 as id,
  t.typname as name,
  n.nspname as schema,
  format_type(t.oid, null) as format,
  coalesce((select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid),
           '[]') as enums,
  coalesce((select json_agg(json_build_object('name', a.attname, 'type_id', a.atttypid::int8) order by a.attnum)
            from pg_attribute a
            join pg_class k on k.oid = a.attrelid
            where k.oid = t.typrelid and k.relkind = 'c' and a.attnum > 0 and not a.attisdropped), '[]')
    as attributes,
  obj_description(t.oid, 'pg_type') as comment,
  nullif(t.typrelid::int8, 0) as type_relation_id
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
where (t.typrelid = 0
       or (select k.relkind = 'c' or ({{table_types}} and k.relkind in ('r', 'v', 'm', 'p')) from pg_class k where k.oid = t.typrelid))
  and ({{array_types}} or not exists (select from pg_type el where el.oid = t.typelem and el.typarray = t.oid))
