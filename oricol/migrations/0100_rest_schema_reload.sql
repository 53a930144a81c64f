-- The REST service keeps a cache of tables, columns, keys and functions. Any DDL notifies it on
-- the `pgrst` channel (as PostgREST's documented event trigger does), so the cache is reloaded
-- without a restart. `NOTIFY pgrst, 'reload schema'` does the same by hand.
create schema if not exists oricol;

create or replace function oricol.rest_notify_ddl() returns event_trigger
language plpgsql as $$
begin
  perform pg_notify('pgrst', 'reload schema');
end;
$$;

drop event trigger if exists oricol_rest_ddl_watch;
create event trigger oricol_rest_ddl_watch on ddl_command_end
  execute function oricol.rest_notify_ddl();

drop event trigger if exists oricol_rest_drop_watch;
create event trigger oricol_rest_drop_watch on sql_drop
  execute function oricol.rest_notify_ddl();
