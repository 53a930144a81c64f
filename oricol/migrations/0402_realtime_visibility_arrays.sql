-- Realtime: which changed rows each subscriber may see, for many subscribers in one statement (replaces
-- 0400's function). Each table's policy query is PREPAREd once per session by the realtime service
-- (named after its text; it takes the group number and reads the batch's rows from the caller's typed
-- temporary table) instead of being parsed and planned again for every subscriber; statements[g] names
-- it for group g. For each group (a role and its JWT claims) the role and claims are switched as a
-- request would, and the statement answers (group, positions[]) — one row per group, not one per
-- visible change. Groups run without a subtransaction each; only if one fails are they run again one by
-- one, and a group whose query fails answers positions '{-1}' and sees nothing. The role and claims
-- revert when the caller's transaction ends. (An earlier 0401 of this session is folded in here.)
drop function if exists realtime.oricol_visible_rows(text[], text[], text[], int[], json[]);
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
