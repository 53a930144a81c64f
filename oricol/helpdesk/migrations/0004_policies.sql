-- Row-level security by role. Every policy asks helpdesk.my_role() (security definer, reads members)
-- wrapped in a sub-select so PostgreSQL evaluates it once per statement, not once per row.
--   requester: own (and watched) tickets, their public comments and attachments; own member row and
--              the staff's names; own assets; never internal notes, time entries or the vault.
--   agent:     works tickets (all, or their team's + unassigned-team + assigned to them when the agent
--              has a team), internal notes, assets and the IT inventory.
--   manager:   reads everything except the vault; changes only tickets' assignment (guard trigger).
--   admin:     everything, incl. roles, SLA, settings and the vault.

-- members
create policy members_read on helpdesk.members for select to authenticated
  using (user_id = (select auth.uid()) or (select helpdesk.is_staff())
         or role in ('agent', 'manager', 'admin'));
create policy members_update_self on helpdesk.members for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy members_admin on helpdesk.members for all to authenticated
  using ((select helpdesk.my_role()) = 'admin') with check ((select helpdesk.my_role()) = 'admin');

-- reference data every signed-in member reads; admins keep it
do $$
declare
  t text;
begin
  foreach t in array array['teams', 'branches', 'ticket_categories', 'sla_policies', 'business_hours', 'holidays']
  loop
    execute format('create policy %I on helpdesk.%I for select to authenticated using ((select helpdesk.my_role()) is not null)',
                   t || '_read', t);
    execute format('create policy %I on helpdesk.%I for all to authenticated using ((select helpdesk.my_role()) = ''admin'') with check ((select helpdesk.my_role()) = ''admin'')',
                   t || '_admin', t);
  end loop;
end
$$;

-- tickets
create policy tickets_staff_read on helpdesk.tickets for select to authenticated
  using ((select helpdesk.my_role()) in ('manager', 'admin'));
create policy tickets_agent on helpdesk.tickets for all to authenticated
  using ((select helpdesk.my_role()) = 'agent' and ((select helpdesk.my_team_id()) is null or team_id is null
         or team_id = (select helpdesk.my_team_id()) or assignee_id = (select auth.uid())))
  with check ((select helpdesk.my_role()) = 'agent');
create policy tickets_admin on helpdesk.tickets for all to authenticated
  using ((select helpdesk.my_role()) = 'admin') with check ((select helpdesk.my_role()) = 'admin');
create policy tickets_manager_assign on helpdesk.tickets for update to authenticated
  using ((select helpdesk.my_role()) = 'manager') with check ((select helpdesk.my_role()) = 'manager');
create policy tickets_requester_read on helpdesk.tickets for select to authenticated
  using ((select helpdesk.my_role()) is not null and (requester_id = (select auth.uid())
         or exists (select 1 from helpdesk.ticket_watchers w where w.ticket_id = tickets.id and w.member_id = (select auth.uid()))));
create policy tickets_requester_create on helpdesk.tickets for insert to authenticated
  with check ((select helpdesk.my_role()) is not null and requester_id = (select auth.uid()));
create policy tickets_requester_close on helpdesk.tickets for update to authenticated
  using ((select helpdesk.my_role()) = 'requester' and requester_id = (select auth.uid()))
  with check (requester_id = (select auth.uid()) and status = 'closed');

-- comments: staff (who see the ticket) read all; requesters read public ones on tickets they see
create policy comments_read on helpdesk.ticket_comments for select to authenticated
  using (helpdesk.can_see_ticket(ticket_id) and (not internal or (select helpdesk.is_staff())));
create policy comments_create on helpdesk.ticket_comments for insert to authenticated
  with check (helpdesk.can_see_ticket(ticket_id) and author_id = (select auth.uid())
              and ((select helpdesk.is_worker()) or ((select helpdesk.my_role()) = 'requester' and not internal)));
create policy comments_edit_own on helpdesk.ticket_comments for update to authenticated
  using (author_id = (select auth.uid()) and (select helpdesk.my_role()) in ('requester', 'agent', 'admin'))
  with check (author_id = (select auth.uid()) and helpdesk.can_see_ticket(ticket_id));
create policy comments_admin_delete on helpdesk.ticket_comments for delete to authenticated
  using ((select helpdesk.my_role()) = 'admin');

-- history (written by triggers only)
create policy events_read on helpdesk.ticket_events for select to authenticated
  using (helpdesk.can_see_ticket(ticket_id));

-- watchers: requesters see their own watch rows; workers add and remove
create policy watchers_read on helpdesk.ticket_watchers for select to authenticated
  using (member_id = (select auth.uid()) or (select helpdesk.is_staff()));
create policy watchers_write on helpdesk.ticket_watchers for all to authenticated
  using ((select helpdesk.is_worker())) with check ((select helpdesk.is_worker()) and helpdesk.can_see_ticket(ticket_id));

-- attachments follow the ticket; those on internal notes only for staff
create policy attachments_read on helpdesk.ticket_attachments for select to authenticated
  using (helpdesk.can_see_ticket(ticket_id) and ((select helpdesk.is_staff()) or comment_id is null
         or exists (select 1 from helpdesk.ticket_comments c where c.id = comment_id and not c.internal)));
create policy attachments_create on helpdesk.ticket_attachments for insert to authenticated
  with check (helpdesk.can_see_ticket(ticket_id) and uploaded_by = (select auth.uid())
              and ((select helpdesk.my_role()) in ('requester', 'agent', 'admin')));
create policy attachments_delete on helpdesk.ticket_attachments for delete to authenticated
  using (uploaded_by = (select auth.uid()) or (select helpdesk.my_role()) = 'admin');

-- time entries: staff read those of tickets they see; workers log their own
create policy time_read on helpdesk.time_entries for select to authenticated
  using ((select helpdesk.is_staff()) and helpdesk.can_see_ticket(ticket_id));
create policy time_write on helpdesk.time_entries for all to authenticated
  using ((select helpdesk.is_worker()) and (member_id = (select auth.uid()) or (select helpdesk.my_role()) = 'admin'))
  with check ((select helpdesk.is_worker()) and member_id = (select auth.uid()) and helpdesk.can_see_ticket(ticket_id));

-- the IT inventory and working aids: staff read, workers write
do $$
declare
  t text;
begin
  foreach t in array array['canned_replies', 'software', 'licences', 'licence_assignments', 'network_devices',
                           'internet_links', 'network_diagrams', 'diagram_nodes', 'diagram_links', 'documents',
                           'asset_assignments']
  loop
    execute format('create policy %I on helpdesk.%I for select to authenticated using ((select helpdesk.is_staff()))',
                   t || '_staff_read', t);
    execute format('create policy %I on helpdesk.%I for all to authenticated using ((select helpdesk.is_worker())) with check ((select helpdesk.is_worker()))',
                   t || '_worker_write', t);
  end loop;
end
$$;
-- asset assignments are history: written by the trigger only
drop policy asset_assignments_worker_write on helpdesk.asset_assignments;
create policy asset_assignments_own on helpdesk.asset_assignments for select to authenticated
  using (member_id = (select auth.uid()));
create policy licence_assignments_own on helpdesk.licence_assignments for select to authenticated
  using (member_id = (select auth.uid()));

create policy assets_staff_read on helpdesk.assets for select to authenticated
  using ((select helpdesk.is_staff()) or assigned_to = (select auth.uid()));
create policy assets_worker_write on helpdesk.assets for all to authenticated
  using ((select helpdesk.is_worker())) with check ((select helpdesk.is_worker()));

-- chat: a requester's own conversations; staff read all; workers answer
create policy chat_read on helpdesk.chat_conversations for select to authenticated
  using (requester_id = (select auth.uid()) or (select helpdesk.is_staff()));
create policy chat_start on helpdesk.chat_conversations for insert to authenticated
  with check (requester_id = (select auth.uid()) and (select helpdesk.my_role()) is not null);
create policy chat_update on helpdesk.chat_conversations for update to authenticated
  using (requester_id = (select auth.uid()) or (select helpdesk.is_worker()))
  with check (requester_id = (select auth.uid()) or (select helpdesk.is_worker()));
create function helpdesk.can_see_conversation(conversation uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from helpdesk.chat_conversations c where c.id = conversation
                 and (c.requester_id = auth.uid() or helpdesk.is_staff()))
$$;
create policy chat_messages_read on helpdesk.chat_messages for select to authenticated
  using (helpdesk.can_see_conversation(conversation_id));
create policy chat_messages_write on helpdesk.chat_messages for insert to authenticated
  with check (author_id = (select auth.uid()) and helpdesk.can_see_conversation(conversation_id)
              and (select helpdesk.my_role()) in ('requester', 'agent', 'admin'));
create policy chat_reads_own on helpdesk.chat_reads for all to authenticated
  using (member_id = (select auth.uid()))
  with check (member_id = (select auth.uid()) and helpdesk.can_see_conversation(conversation_id));

-- notifications: one's own, marked read by oneself
create policy notifications_own on helpdesk.notifications for select to authenticated
  using (member_id = (select auth.uid()));
create policy notifications_mark on helpdesk.notifications for update to authenticated
  using (member_id = (select auth.uid())) with check (member_id = (select auth.uid()));
create policy notifications_dismiss on helpdesk.notifications for delete to authenticated
  using (member_id = (select auth.uid()));

-- mail queue, audit log, settings, vault: admins (settings are read by staff)
create policy outbox_admin_read on helpdesk.notification_outbox for select to authenticated
  using ((select helpdesk.my_role()) = 'admin');
create policy audit_admin_read on helpdesk.audit_log for select to authenticated
  using ((select helpdesk.my_role()) = 'admin');
create policy settings_staff_read on helpdesk.settings for select to authenticated
  using ((select helpdesk.is_staff()));
create policy settings_admin on helpdesk.settings for all to authenticated
  using ((select helpdesk.my_role()) = 'admin') with check ((select helpdesk.my_role()) = 'admin');
create policy credentials_admin on helpdesk.credentials for all to authenticated
  using ((select helpdesk.my_role()) = 'admin') with check ((select helpdesk.my_role()) = 'admin');

-- Nobody writes history, notifications or the outbox through the API: triggers do (security definer).
revoke insert, update, delete on helpdesk.ticket_events, helpdesk.asset_assignments, helpdesk.audit_log,
  helpdesk.notification_outbox from authenticated;
revoke insert on helpdesk.notifications from authenticated;
