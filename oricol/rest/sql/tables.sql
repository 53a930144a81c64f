-- Tables, views and their columns, primary keys and unique column sets in the exposed schemas ($1).
select n.nspname as schema, c.relname as name, c.relkind::text as kind,
       obj_description(c.oid, 'pg_class') as description,
       c.relkind in ('r', 'p') or (pg_relation_is_updatable(c.oid::regclass, true) & 8) = 8 as insertable,
       coalesce((
         select json_agg(json_build_object(
                  'name', a.attname,
                  'type', format_type(a.atttypid, null),
                  'full_type', format_type(a.atttypid, a.atttypmod),
                  'nullable', not a.attnotnull,
                  'default', pg_get_expr(d.adbin, d.adrelid),
                  'generated', a.attgenerated <> '' or a.attidentity = 'a',
                  'identity', a.attidentity <> '',
                  'description', col_description(c.oid, a.attnum),
                  'enum', (select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e
                           where e.enumtypid = a.atttypid))
                order by a.attnum)
         from pg_attribute a
         left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
         where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]') as columns,
       coalesce((
         select json_agg(cols)
         from (select array(select a.attname from unnest(i.indkey) with ordinality k(attnum, ord)
                            join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                            order by k.ord) as cols,
                      i.indisprimary as is_pk
               from pg_index i
               where i.indrelid = c.oid and i.indisunique and i.indpred is null and i.indexprs is null
               order by i.indisprimary desc) u), '[]') as uniques,
       array(select a.attname from pg_index i
             cross join unnest(i.indkey) with ordinality k(attnum, ord)
             join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
             where i.indrelid = c.oid and i.indisprimary order by k.ord) as pk
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p', 'v', 'm', 'f') and n.nspname = any($1::text[])
