-- Realtime: the visibility check of 0401, answering one row per subscriber group (the visible batch
-- positions as an array) instead of one row per visible change: with 500 groups and a batch of 20
-- changes that is 500 rows to return, not 10,000. Each prepared statement named in `statements` now
-- answers (group, positions[]). A group whose query fails is returned with positions '{-1}' and sees
-- nothing.
drop function if exists realtime.oricol_visible_rows(text[], text[], text[]);

create or replace function realtime.oricol_visible_rows(roles text[], claims text[], statements text[])
returns table (grp int, idx int[])
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
        idx := array[-1];
        return next;
      end;
    end loop;
  end;
  perform set_config('role', 'none', true);
end
$$;
revoke all on function realtime.oricol_visible_rows(text[], text[], text[]) from public;
