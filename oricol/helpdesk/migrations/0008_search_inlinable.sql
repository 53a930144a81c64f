-- search_tickets without a SET clause: PostgreSQL inlines a plain SQL function into the caller's
-- query, so `limit`, filters and the page's order from REST reach the index scan instead of running
-- over every match first. It stays security invoker (RLS applies) and names everything with its schema.
create or replace function helpdesk.search_tickets(q text) returns setof helpdesk.tickets
language sql stable as $$
  select t.* from helpdesk.tickets t
  where t.search @@ websearch_to_tsquery('english'::regconfig, q)
     or t.number = upper(btrim(q))
  order by ts_rank(t.search, websearch_to_tsquery('english'::regconfig, q)) desc, t.updated_at desc
$$;
