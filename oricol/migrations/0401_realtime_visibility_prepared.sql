-- Realtime: the visibility check of 0400, with each table's policy query prepared once per session
-- instead of parsed and planned again for every subscriber (four times faster with 500 distinct users).
-- The rows as committed are in the caller's temporary table oricol_rt_rows; statements[g] names the
-- prepared query for group g, which takes the group number. Groups are evaluated without a
-- subtransaction each; only if one fails are they evaluated again one by one, and a group whose query
-- fails is returned as (g, -1) and sees nothing.
drop function if exists realtime.oricol_visible_rows(text[], text[], text[], int[], json[]);

create or replace function realtime.oricol_visible_rows(roles text[], claims text[], statements text[])
returns table (grp int, idx int)
language plpgsql volatile
as $$
declare
  g int;
  active_role text;
begin
  begin
    for g in 1 .. coalesce(array_length(roles, 1), 0) loop
      if active_role is distinct from roles[g] then  -- the caller sorts groups by role
        perform set_config('role', roles[g], true);
        active_role := roles[g];
      end if;
      perform set_config('request.jwt.claims', claims[g], true);
      return query execute 'execute ' || quote_ident(statements[g]) || '(' || g || ')';
    end loop;
  exception when others then
    -- rows already returned stay returned; the caller reads the result as a set
    for g in 1 .. coalesce(array_length(roles, 1), 0) loop
      begin
        perform set_config('role', roles[g], true);
        perform set_config('request.jwt.claims', claims[g], true);
        return query execute 'execute ' || quote_ident(statements[g]) || '(' || g || ')';
      exception when others then
        grp := g;
        idx := -1;
        return next;
      end;
    end loop;
  end;
  perform set_config('role', 'none', true);
end
$$;
revoke all on function realtime.oricol_visible_rows(text[], text[], text[]) from public;
