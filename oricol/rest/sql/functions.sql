-- Functions in the exposed schemas ($1): arguments, result shape and volatility.
select n.nspname as schema, p.proname as name, p.provolatile::text as volatility, p.proretset as returns_set,
       format_type(p.prorettype, null) as return_type,
       rt.typtype::text as return_kind,
       rn.nspname as return_rel_schema, rc.relname as return_rel_name,
       p.provariadic <> 0 as variadic,
       p.pronargdefaults as defaults,
       p.prorows as rows,
       obj_description(p.oid, 'pg_proc') as description,
       coalesce((
         select json_agg(json_build_object('name', coalesce(p.proargnames[k.ord], ''),
                                           'type', format_type(k.typ, null),
                                           'mode', coalesce(p.proargmodes[k.ord], 'i'),
                                           'type_relid', (select t.typrelid from pg_type t where t.oid = k.typ),
                                           'relation', (select json_build_array(rn.nspname, r.relname)
                                                        from pg_class r join pg_namespace rn on rn.oid = r.relnamespace
                                                        where r.reltype = k.typ and r.relkind in ('r', 'p', 'v', 'm', 'f')))
                         order by k.ord)
         from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality k(typ, ord)), '[]') as args,
       coalesce((
         select json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, null)) order by a.attnum)
         from pg_attribute a
         where rt.typrelid <> 0 and a.attrelid = rt.typrelid and a.attnum > 0 and not a.attisdropped), '[]')
         as return_columns
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_type rt on rt.oid = p.prorettype
left join pg_class rc on rc.oid = rt.typrelid
left join pg_namespace rn on rn.oid = rc.relnamespace
where n.nspname = any($1::text[]) and p.prokind = 'f'
