-- Agents work tickets but do not delete them (history, SLA reports and the requester's record stay);
-- deleting is for admins (tickets_admin). Same visibility rule as before for reading and updating.
drop policy tickets_agent on helpdesk.tickets;
create policy tickets_agent_read on helpdesk.tickets for select to authenticated
  using ((select helpdesk.my_role()) = 'agent' and ((select helpdesk.my_team_id()) is null or team_id is null
         or team_id = (select helpdesk.my_team_id()) or assignee_id = (select auth.uid())));
create policy tickets_agent_create on helpdesk.tickets for insert to authenticated
  with check ((select helpdesk.my_role()) = 'agent');
create policy tickets_agent_update on helpdesk.tickets for update to authenticated
  using ((select helpdesk.my_role()) = 'agent' and ((select helpdesk.my_team_id()) is null or team_id is null
         or team_id = (select helpdesk.my_team_id()) or assignee_id = (select auth.uid())))
  with check ((select helpdesk.my_role()) = 'agent');
