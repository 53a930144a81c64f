-- Triggers other than the ones PostgreSQL makes for constraints, decoded from pg_trigger.tgtype
-- (bit 0 row, 1 before, 2 insert, 3 delete, 4 update, 5 truncate, 6 instead of).
select
  t.oid::int8 as id,
  t.tgrelid::int8 as table_id,
  case t.tgenabled when 'D' then 'DISABLED' when 'O' then 'ORIGIN' when 'R' then 'REPLICA'
                   when 'A' then 'ALWAYS' end as enabled_mode,
  to_json((string_to_array(encode(t.tgargs, 'escape'), '\000'))[:t.tgnargs]) as function_args,
  t.tgname as name,
  c.relname as table,
  n.nspname as schema,
  (regexp_match(pg_get_triggerdef(t.oid), '.{35,} WHEN \((.+)\) EXECUTE (?:FUNCTION|PROCEDURE)'))[1] as condition,
  case when t.tgtype & 1 = 1 then 'ROW' else 'STATEMENT' end as orientation,
  case when t.tgtype & 2 = 2 then 'BEFORE' when t.tgtype & 64 = 64 then 'INSTEAD OF' else 'AFTER' end
    as activation,
  to_json(array_remove(array[
    case when t.tgtype & 4 = 4 then 'INSERT' end,
    case when t.tgtype & 8 = 8 then 'DELETE' end,
    case when t.tgtype & 16 = 16 then 'UPDATE' end,
    case when t.tgtype & 32 = 32 then 'TRUNCATE' end], null)) as events,
  p.proname as function_name,
  pn.nspname as function_schema
from pg_trigger t
join pg_class c on c.oid = t.tgrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_proc p on p.oid = t.tgfoid
join pg_namespace pn on pn.oid = p.pronamespace
where not t.tgisinternal
