-- Primary and foreign keys as column lists in key order, for tracing views' columns to keys: each key
-- on the side that holds it (kind p or f) and each foreign key on the side it references (f_ref).
select con.conname as name, k.kind, k.relid::int8 as relid, n.nspname as schema, c.relname as table_name,
       array(select a.attnum::int from unnest(k.cols) with ordinality u(attnum, ord)
             join pg_attribute a on a.attrelid = k.relid and a.attnum = u.attnum order by u.ord) as attnums,
       array(select a.attname::text from unnest(k.cols) with ordinality u(attnum, ord)
             join pg_attribute a on a.attrelid = k.relid and a.attnum = u.attnum order by u.ord) as columns
from pg_constraint con
cross join lateral (values (con.contype::text, con.conrelid, con.conkey),
                           ('f_ref', con.confrelid, con.confkey)) k(kind, relid, cols)
join pg_class c on c.oid = k.relid
join pg_namespace n on n.oid = c.relnamespace
where con.contype in ('p', 'f') and (k.kind <> 'f_ref' or con.contype = 'f')
