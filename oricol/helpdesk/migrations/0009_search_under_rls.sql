-- Full-text search that uses its GIN index under RLS. A policy's quals run before a caller's quals
-- that are not leakproof, and `@@` is not, so inside an invoker's query the index could not be used
-- (a scan of every ticket). The matching is done here by a security definer function that sees
-- only ids and ranks; search_tickets joins those ids back to helpdesk.tickets as the caller, so RLS
-- still decides which rows come back. The finder lives in helpdesk_private, a schema REST never
-- exposes, so nobody can call it to probe which tickets contain a word.
create function helpdesk_private.matching_tickets(q text) returns table (id uuid, rank real)
language sql stable security definer set search_path = '' as $$
  select t.id, ts_rank(t.search, websearch_to_tsquery('english'::regconfig, q))
  from helpdesk.tickets t
  where t.search @@ websearch_to_tsquery('english'::regconfig, q)
  union
  select t.id, 1 from helpdesk.tickets t where t.number = upper(btrim(q))
$$;
revoke execute on function helpdesk_private.matching_tickets(text) from public;
grant usage on schema helpdesk_private to authenticated, service_role;
grant execute on function helpdesk_private.matching_tickets(text) to authenticated, service_role;

create or replace function helpdesk.search_tickets(q text) returns setof helpdesk.tickets
language sql stable as $$
  select t.* from helpdesk_private.matching_tickets(q) m join helpdesk.tickets t on t.id = m.id
  order by m.rank desc, t.updated_at desc
$$;

-- An agent's queue, newest first: walked in order, the status filter (an enum comparison, not
-- leakproof either) applied as a filter until a page is full.
create index tickets_assignee_updated_idx on helpdesk.tickets (assignee_id, updated_at desc);
