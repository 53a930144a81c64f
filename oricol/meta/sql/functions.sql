-- Plain functions (not aggregates, window functions or procedures) with every argument, IN or not.
select
  f.oid::int8 as id,
  n.nspname as schema,
  f.proname as name,
  l.lanname as language,
  case when l.lanname = 'internal' then '' else f.prosrc end as definition,
  case when l.lanname = 'internal' then f.prosrc else pg_get_functiondef(f.oid) end as complete_statement,
  coalesce((
    select json_agg(json_build_object(
             'mode', case arg.mode when 'i' then 'in' when 'o' then 'out' when 'b' then 'inout'
                                   when 'v' then 'variadic' else 'table' end,
             'name', coalesce(arg.name, ''),
             'type_id', arg.type_id::int8,
             -- defaults belong to the last pronargdefaults input arguments; an output argument has
             -- none to speak of, and postgres-meta says null
             'has_default', case when arg.mode in ('i', 'b', 'v')
                                 then arg.input_position > f.pronargs - f.pronargdefaults end)
           order by arg.position)
    from (
      select a.position, a.type_id, a.mode, a.name,
             count(*) filter (where a.mode in ('i', 'b', 'v')) over (order by a.position) as input_position
      from unnest(coalesce(f.proallargtypes, f.proargtypes::oid[]),
                  coalesce(f.proargmodes, array_fill('i'::"char", array[cardinality(coalesce(f.proallargtypes, f.proargtypes::oid[]))])),
                  f.proargnames)
           with ordinality as a(type_id, mode, name, position)
    ) as arg
  ), '[]') as args,
  pg_get_function_arguments(f.oid) as argument_types,
  pg_get_function_identity_arguments(f.oid) as identity_argument_types,
  f.prorettype::int8 as return_type_id,
  pg_get_function_result(f.oid) as return_type,
  nullif(rt.typrelid::int8, 0) as return_type_relation_id,
  f.proretset as is_set_returning_function,
  case when f.proretset then nullif(f.prorows, 0) end as prorows,
  case f.provolatile when 'i' then 'IMMUTABLE' when 's' then 'STABLE' when 'v' then 'VOLATILE' end as behavior,
  f.prosecdef as security_definer,
  (select json_object_agg(split_part(setting, '=', 1), substr(setting, strpos(setting, '=') + 1))
   from unnest(f.proconfig) as setting) as config_params
from pg_proc f
join pg_namespace n on n.oid = f.pronamespace
join pg_language l on l.oid = f.prolang
left join pg_type rt on rt.oid = f.prorettype
where f.prokind = 'f'
