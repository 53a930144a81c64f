-- Storage buckets and their policies (following the ticket's visibility), the tables streamed by
-- realtime, and the RPC functions the web app calls.

insert into storage.buckets (id, name, public) values
  ('helpdesk-attachments', 'helpdesk-attachments', false),
  ('helpdesk-documents', 'helpdesk-documents', false)
on conflict (id) do nothing;

-- The ticket an attachment object belongs to: its first folder, when that is a uuid.
create function helpdesk.ticket_of_object(name text) returns uuid
language sql immutable set search_path = '' as $$
  select case when split_part(name, '/', 1) ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
              then split_part(name, '/', 1)::uuid end
$$;

-- Reading an attachment object: the caller sees its ticket, and, for requesters, the object is not
-- attached to an internal note.
create function helpdesk.can_read_attachment(name text) returns boolean
language sql stable security definer set search_path = '' as $$
  select helpdesk.can_see_ticket(helpdesk.ticket_of_object(name))
     and (helpdesk.is_staff() or not exists (
           select 1 from helpdesk.ticket_attachments a join helpdesk.ticket_comments c on c.id = a.comment_id
           where a.bucket = 'helpdesk-attachments' and a.object_path = name and c.internal))
$$;

create policy helpdesk_attachments_read on storage.objects for select to authenticated
  using (bucket_id = 'helpdesk-attachments' and helpdesk.can_read_attachment(name));
create policy helpdesk_attachments_upload on storage.objects for insert to authenticated
  with check (bucket_id = 'helpdesk-attachments' and helpdesk.my_role() in ('requester', 'agent', 'admin')
              and helpdesk.can_see_ticket(helpdesk.ticket_of_object(name)));
create policy helpdesk_attachments_update on storage.objects for update to authenticated
  using (bucket_id = 'helpdesk-attachments' and owner = auth.uid() and helpdesk.can_see_ticket(helpdesk.ticket_of_object(name)))
  with check (bucket_id = 'helpdesk-attachments' and helpdesk.can_see_ticket(helpdesk.ticket_of_object(name)));
create policy helpdesk_attachments_delete on storage.objects for delete to authenticated
  using (bucket_id = 'helpdesk-attachments' and helpdesk.can_see_ticket(helpdesk.ticket_of_object(name))
         and (owner = auth.uid() or helpdesk.my_role() = 'admin'));

create policy helpdesk_documents_read on storage.objects for select to authenticated
  using (bucket_id = 'helpdesk-documents' and helpdesk.is_staff());
create policy helpdesk_documents_write on storage.objects for insert to authenticated
  with check (bucket_id = 'helpdesk-documents' and helpdesk.is_worker());
create policy helpdesk_documents_update on storage.objects for update to authenticated
  using (bucket_id = 'helpdesk-documents' and helpdesk.is_worker()) with check (bucket_id = 'helpdesk-documents' and helpdesk.is_worker());
create policy helpdesk_documents_delete on storage.objects for delete to authenticated
  using (bucket_id = 'helpdesk-documents' and helpdesk.is_worker());

-- Live updates (RLS decides who receives each change).
alter publication supabase_realtime add table helpdesk.tickets, helpdesk.ticket_comments,
  helpdesk.notifications, helpdesk.chat_conversations, helpdesk.chat_messages;

-- Full-text search over the tickets the caller may see (security invoker: RLS applies).
create function helpdesk.search_tickets(q text) returns setof helpdesk.tickets
language sql stable set search_path = '' as $$
  select t.* from helpdesk.tickets t
  where t.search @@ websearch_to_tsquery('english'::regconfig, q)
     or t.number = upper(btrim(q))
  order by ts_rank(t.search, websearch_to_tsquery('english'::regconfig, q)) desc, t.updated_at desc
$$;

-- Numbers for the dashboard over the tickets the caller may see (security invoker: RLS applies).
create function helpdesk.dashboard_stats(days int default 30) returns jsonb
language sql stable set search_path = '' as $$
  with visible as (select * from helpdesk.tickets),
  since as (select (current_date - greatest(least(days, 366), 1) + 1)::timestamptz as at)
  select jsonb_build_object(
    'by_status', (select coalesce(jsonb_object_agg(status, n), '{}') from
                  (select status, count(*) n from visible group by status) s),
    'by_priority', (select coalesce(jsonb_object_agg(priority, n), '{}') from
                    (select priority, count(*) n from visible where status not in ('resolved', 'closed') group by priority) p),
    'per_day', (select coalesce(jsonb_agg(jsonb_build_object('day', d.day, 'created', d.created, 'resolved', d.resolved) order by d.day), '[]')
                from (select g::date as day,
                             (select count(*) from visible v where v.created_at >= g and v.created_at < g + interval '1 day') created,
                             (select count(*) from visible v where v.resolved_at >= g and v.resolved_at < g + interval '1 day') resolved
                      from generate_series((select at from since), current_date::timestamptz, interval '1 day') g) d),
    'breaches', jsonb_build_object(
       'first_response', (select count(*) from visible where first_response_breached and created_at >= (select at from since)),
       'resolution', (select count(*) from visible where resolution_breached and created_at >= (select at from since)),
       'open_breached', (select count(*) from visible where status not in ('resolved', 'closed')
                           and (first_response_breached or resolution_breached))),
    'agent_load', (select coalesce(jsonb_agg(jsonb_build_object('assignee_id', a.assignee_id, 'full_name', a.full_name, 'open', a.n)
                                             order by a.n desc), '[]')
                   from (select v.assignee_id, m.full_name, count(*) n from visible v
                         left join helpdesk.members m on m.user_id = v.assignee_id
                         where v.status not in ('resolved', 'closed') and v.assignee_id is not null
                         group by v.assignee_id, m.full_name) a)
  )
$$;

grant execute on all functions in schema helpdesk to authenticated, service_role;
revoke execute on function helpdesk.mark_sla_breaches() from authenticated;
