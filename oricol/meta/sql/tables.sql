-- Ordinary and partitioned tables, one row each, with their primary-key columns and every foreign key
-- that starts or ends at them (postgres-meta's "relationships", one entry per column pair).
select
  c.oid::int8 as id,
  n.nspname as schema,
  c.relname as name,
  c.relrowsecurity as rls_enabled,
  c.relforcerowsecurity as rls_forced,
  case c.relreplident
    when 'd' then 'DEFAULT' when 'i' then 'INDEX' when 'f' then 'FULL' else 'NOTHING'
  end as replica_identity,
  pg_total_relation_size(c.oid)::int8 as bytes,
  pg_size_pretty(pg_total_relation_size(c.oid)) as size,
  pg_stat_get_live_tuples(c.oid) as live_rows_estimate,
  pg_stat_get_dead_tuples(c.oid) as dead_rows_estimate,
  obj_description(c.oid, 'pg_class') as comment,
  coalesce((
    select json_agg(json_build_object('schema', n.nspname, 'table_name', c.relname, 'name', a.attname,
                                      'table_id', c.oid::int8)
                    order by array_position(i.indkey::int2[], a.attnum))
    from pg_index i
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any (i.indkey::int2[])
    where i.indrelid = c.oid and i.indisprimary
  ), '[]') as primary_keys,
  coalesce((
    select json_agg(json_build_object(
             'id', fk.oid::int8, 'constraint_name', fk.conname,
             'source_schema', sn.nspname, 'source_table_name', sc.relname, 'source_column_name', sa.attname,
             'target_table_schema', tn.nspname, 'target_table_name', tc.relname,
             'target_column_name', ta.attname)
           order by fk.oid, pair.ord)
    from pg_constraint fk
    cross join lateral unnest(fk.conkey, fk.confkey) with ordinality as pair(source_attnum, target_attnum, ord)
    join pg_class sc on sc.oid = fk.conrelid
    join pg_namespace sn on sn.oid = sc.relnamespace
    join pg_attribute sa on sa.attrelid = fk.conrelid and sa.attnum = pair.source_attnum
    join pg_class tc on tc.oid = fk.confrelid
    join pg_namespace tn on tn.oid = tc.relnamespace
    join pg_attribute ta on ta.attrelid = fk.confrelid and ta.attnum = pair.target_attnum
    where fk.contype = 'f' and (fk.conrelid = c.oid or fk.confrelid = c.oid)
  ), '[]') as relationships
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p')
  and not pg_is_other_temp_schema(n.oid)
  and (pg_has_role(c.relowner, 'USAGE')
       or has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
       or has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE, REFERENCES'))
