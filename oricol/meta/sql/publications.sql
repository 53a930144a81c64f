-- Publications; tables is null for FOR ALL TABLES.
select
  p.oid::int8 as id,
  p.pubname as name,
  p.pubowner::regrole::text as owner,
  p.pubinsert as publish_insert,
  p.pubupdate as publish_update,
  p.pubdelete as publish_delete,
  p.pubtruncate as publish_truncate,
  case when p.puballtables then null
       else (select coalesce(json_agg(json_build_object('id', c.oid::int8, 'name', c.relname,
                                                        'schema', n.nspname) order by n.nspname, c.relname), '[]')
             from pg_publication_rel pr
             join pg_class c on c.oid = pr.prrelid
             join pg_namespace n on n.oid = c.relnamespace
             where pr.prpubid = p.oid)
  end as tables
from pg_publication p
