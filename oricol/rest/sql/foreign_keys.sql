-- Foreign keys touching the exposed schemas ($1), with their column lists in key order.
select con.conname as name,
       sn.nspname as schema, sc.relname as table_name,
       array(select a.attname from unnest(con.conkey) with ordinality k(attnum, ord)
             join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.ord) as columns,
       tn.nspname as ref_schema, tc.relname as ref_table,
       array(select a.attname from unnest(con.confkey) with ordinality k(attnum, ord)
             join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum order by k.ord) as ref_columns
from pg_constraint con
join pg_class sc on sc.oid = con.conrelid
join pg_namespace sn on sn.oid = sc.relnamespace
join pg_class tc on tc.oid = con.confrelid
join pg_namespace tn on tn.oid = tc.relnamespace
where con.contype = 'f' and (sn.nspname = any($1::text[]) or tn.nspname = any($1::text[]))
