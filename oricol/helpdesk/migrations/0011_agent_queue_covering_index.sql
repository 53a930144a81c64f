-- The agent queue's index carries what the policies and the status filter read (status, team,
-- requester, and the id the watcher check looks up), so the exact count and the walk to a full page
-- are index-only scans once the table is vacuumed, instead of a heap visit per ticket of the agent.
-- It replaces (assignee_id, status, updated_at): under RLS a status filter (an enum comparison, not
-- leakproof) is never an index condition, so that column order bought nothing.
drop index if exists helpdesk.tickets_assignee_updated_idx;
drop index if exists helpdesk.tickets_assignee_status_updated_idx;
create index tickets_assignee_updated_idx on helpdesk.tickets (assignee_id, updated_at desc)
  include (status, team_id, requester_id, id);
