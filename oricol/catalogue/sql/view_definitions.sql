-- Every view's and materialized view's rule action (its parsed query tree as pg_node_tree text) and
-- its column names by number. Views outside the exposed schemas are read too: a view in an exposed
-- schema may select from them, and its columns are traced through them to the base tables.
select c.oid::int8 as oid, n.nspname as schema, c.relname as name, r.ev_action::text as definition,
       coalesce((select json_object_agg(a.attnum, a.attname) from pg_attribute a
                 where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '{}') as columns
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
join pg_rewrite r on r.ev_class = c.oid and r.ev_type = '1'
where c.relkind in ('v', 'm') and n.nspname not in ('pg_catalog', 'information_schema')
