-- What a scanned QR label may show to any member: an asset's tag, name, type and branch, so someone
-- who is not assigned the device (and so cannot read its row under RLS) can still say which device a
-- problem is about. Nothing else of the asset (serial, cost, assignee, notes) is exposed.
create function helpdesk.asset_label(key text)
returns table (id uuid, tag text, name text, type text, branch_name text)
language sql stable security definer set search_path = '' as $$
  select a.id, a.tag, a.name, a.type, b.name
  from helpdesk.assets a left join helpdesk.branches b on b.id = a.branch_id
  where helpdesk.my_role() is not null and (a.tag = key or a.id::text = key)
  limit 1
$$;
revoke execute on function helpdesk.asset_label(text) from public, anon;
grant execute on function helpdesk.asset_label(text) to authenticated, service_role;
