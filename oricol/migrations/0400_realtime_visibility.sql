-- Realtime: which changed rows each subscriber may see, for many subscribers in one round trip.
-- Called by the realtime service as the superuser inside a transaction; for each group (a role and
-- its JWT claims) it switches to that role and claims, as a request would, and runs the group's query
-- (the table's SELECT policies for that role applied to the rows as committed). A group whose query
-- fails sees nothing. The role and claims revert when the caller's transaction ends.
create or replace function realtime.oricol_visible_rows(
  roles text[], claims text[], queries text[], indices int[], records json[]
) returns table (grp int, idx int)
language plpgsql volatile
as $$
declare
  g int;
begin
  for g in 1 .. coalesce(array_length(roles, 1), 0) loop
    begin
      perform set_config('role', roles[g], true);
      perform set_config('request.jwt.claims', claims[g], true);
      return query execute queries[g] using g, indices, records;
    exception when others then
      null;
    end;
  end loop;
  perform set_config('role', 'none', true);
end
$$;
revoke all on function realtime.oricol_visible_rows(text[], text[], text[], int[], json[]) from public;
