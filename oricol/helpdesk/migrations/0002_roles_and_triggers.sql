-- Who the caller is (one security definer function every policy reads), and the derived facts
-- written by triggers in the same transaction as the change that causes them: members on sign-up,
-- ticket numbers, updated_at, the ticket history, asset assignment history, in-app notifications.

-- The caller's role, or null (anonymous, unknown or deactivated). Security definer so that policies
-- on `members` itself can call it without recursing into their own RLS.
create function helpdesk.my_role() returns helpdesk.member_role
language sql stable security definer set search_path = '' as $$
  select m.role from helpdesk.members m where m.user_id = auth.uid() and m.active
$$;

create function helpdesk.my_team_id() returns uuid
language sql stable security definer set search_path = '' as $$
  select m.team_id from helpdesk.members m where m.user_id = auth.uid() and m.active
$$;

-- True when the caller is staff: agents, managers and admins read the helpdesk's working data.
create function helpdesk.is_staff() returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(helpdesk.my_role() in ('agent', 'manager', 'admin'), false)
$$;

-- True when the caller may change working data (agents and admins; managers only read).
create function helpdesk.is_worker() returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(helpdesk.my_role() in ('agent', 'admin'), false)
$$;

-- Whether the caller may see a ticket: the one rule behind tickets' own policy and every table that
-- follows a ticket (comments, events, attachments, time entries, storage objects).
create function helpdesk.can_see_ticket(ticket uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from helpdesk.tickets t
    where t.id = ticket and (
      helpdesk.my_role() in ('manager', 'admin')
      or (helpdesk.my_role() = 'agent' and (helpdesk.my_team_id() is null or t.team_id is null
          or t.team_id = helpdesk.my_team_id() or t.assignee_id = auth.uid()))
      or (helpdesk.my_role() is not null and (t.requester_id = auth.uid()
          or exists (select 1 from helpdesk.ticket_watchers w where w.ticket_id = t.id and w.member_id = auth.uid())))
    )
  )
$$;

-- A new auth user becomes a requester; `oricol users add` and admins raise roles afterwards.
create function helpdesk.on_auth_user_created() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into helpdesk.members (user_id, email, full_name)
  values (new.id, new.email,
          coalesce(new.raw_user_meta_data ->> 'full_name', new.raw_user_meta_data ->> 'name', split_part(new.email, '@', 1)))
  on conflict (user_id) do nothing;
  return new;
end
$$;
create trigger helpdesk_member_on_signup after insert on auth.users
  for each row execute function helpdesk.on_auth_user_created();

create function helpdesk.on_auth_user_email_changed() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update helpdesk.members set email = new.email where user_id = new.id;
  return new;
end
$$;
create trigger helpdesk_member_email after update of email on auth.users
  for each row when (old.email is distinct from new.email)
  execute function helpdesk.on_auth_user_email_changed();

-- Members: nobody changes their own role or active flag; only admins change anyone's role, team,
-- branch or active flag. Checked only for API callers (current_user = authenticated): the service
-- role and our own security definer functions act for the system.
create function helpdesk.guard_member_update() returns trigger
language plpgsql as $$
begin
  if current_user <> 'authenticated' then
    return new;
  end if;
  if (new.role, new.active, new.team_id, new.branch_id, new.user_id)
     is distinct from (old.role, old.active, old.team_id, old.branch_id, old.user_id) then
    if helpdesk.my_role() is distinct from 'admin' then
      raise exception 'only an admin may change a member''s role, team, branch or active flag'
        using errcode = '42501';
    end if;
    if old.user_id = auth.uid() and (new.role, new.active) is distinct from (old.role, old.active) then
      raise exception 'nobody may change their own role or deactivate themself' using errcode = '42501';
    end if;
  end if;
  return new;
end
$$;
create trigger a_guard before update on helpdesk.members
  for each row execute function helpdesk.guard_member_update();

create function helpdesk.set_member_role(user_id uuid, role helpdesk.member_role) returns helpdesk.members
language plpgsql security definer set search_path = '' as $$
declare
  result helpdesk.members;
begin
  if helpdesk.my_role() is distinct from 'admin' then
    raise exception 'only an admin may change roles' using errcode = '42501';
  end if;
  if set_member_role.user_id = auth.uid() then
    raise exception 'nobody may change their own role' using errcode = '42501';
  end if;
  update helpdesk.members m set role = set_member_role.role where m.user_id = set_member_role.user_id
    returning * into result;
  if result.user_id is null then
    raise exception 'no such member' using errcode = 'P0002';
  end if;
  insert into helpdesk.audit_log (actor_id, action, entity, entity_id, details)
  values (auth.uid(), 'member.role', 'members', set_member_role.user_id::text, jsonb_build_object('role', set_member_role.role));
  return result;
end
$$;

create function helpdesk.touch_updated_at() returns trigger
language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end
$$;
create trigger touch_updated_at before update on helpdesk.assets
  for each row execute function helpdesk.touch_updated_at();
create trigger touch_updated_at before update on helpdesk.network_diagrams
  for each row execute function helpdesk.touch_updated_at();

-- Tickets: what each role may write. Requesters create tickets for themselves (status new, nobody
-- assigned) and may only close their own; managers change nothing but the assignment; agents and
-- admins work tickets. The number comes from the sequence (for API callers always; the system, e.g.
-- the demo loader or an import, may bring its own).
create function helpdesk.guard_ticket_write() returns trigger
language plpgsql as $$
declare
  role helpdesk.member_role;
  changed jsonb;
begin
  if tg_op = 'INSERT' and (new.number is null or current_user = 'authenticated') then
    new.number := 'HD-' || nextval('helpdesk.ticket_number_seq');
  end if;
  if current_user <> 'authenticated' then
    return new;
  end if;
  role := helpdesk.my_role();
  if tg_op = 'INSERT' then
    new.created_at := now();
    new.first_responded_at := null; new.resolved_at := null; new.closed_at := null;
    new.sla_paused_at := null; new.sla_paused_total := '0';
    new.first_response_breached := false; new.resolution_breached := false;
    if role is distinct from 'agent' and role is distinct from 'admin' then
      if new.requester_id is distinct from auth.uid() then
        raise exception 'a requester creates tickets for themself only' using errcode = '42501';
      end if;
      new.status := 'new';
      new.assignee_id := null;
    end if;
    return new;
  end if;
  changed := (select coalesce(jsonb_object_agg(n.key, n.value), '{}') from jsonb_each(to_jsonb(new)) n
              where n.value is distinct from (to_jsonb(old) -> n.key)) - 'updated_at' - 'search';
  if changed ? 'number' or changed ? 'created_at' or changed ? 'id' then
    raise exception 'a ticket''s id, number and creation time never change' using errcode = '42501';
  end if;
  if role = 'manager' and (changed - 'assignee_id' - 'team_id') <> '{}' then
    raise exception 'a manager may change only a ticket''s assignment' using errcode = '42501';
  end if;
  if role = 'requester' and (changed <> '{}') and
     ((changed - 'status') <> '{}' or new.status <> 'closed' or old.requester_id is distinct from auth.uid()) then
    raise exception 'a requester may only close their own ticket' using errcode = '42501';
  end if;
  return new;
end
$$;
create trigger a_guard before insert or update on helpdesk.tickets
  for each row execute function helpdesk.guard_ticket_write();

-- updated_at moves when the ticket changes, not when only the breach flags are set by the SLA job.
create function helpdesk.touch_ticket() returns trigger
language plpgsql as $$
begin
  if (to_jsonb(new) - 'first_response_breached' - 'resolution_breached' - 'updated_at' - 'search')
     is distinct from (to_jsonb(old) - 'first_response_breached' - 'resolution_breached' - 'updated_at' - 'search') then
    new.updated_at := now();
  else
    new.updated_at := old.updated_at;
  end if;
  if new.status = 'resolved' and old.status is distinct from 'resolved' then
    new.resolved_at := now();
    new.resolution_breached := new.resolution_due_at is not null and new.resolved_at > new.resolution_due_at;
  elsif new.status not in ('resolved', 'closed') then
    new.resolved_at := null;
  end if;
  if new.status = 'closed' and old.status is distinct from 'closed' then
    new.closed_at := now();
    if new.resolved_at is null then
      new.resolved_at := now();
      new.resolution_breached := new.resolution_due_at is not null and new.resolved_at > new.resolution_due_at;
    end if;
  elsif new.status <> 'closed' then
    new.closed_at := null;
  end if;
  return new;
end
$$;
create trigger b_touch before update on helpdesk.tickets
  for each row execute function helpdesk.touch_ticket();

-- The history: one row on creation, one per changed field that a person cares about.
create function helpdesk.log_ticket_events() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  f text;
  o text;
  n text;
begin
  if tg_op = 'INSERT' then
    insert into helpdesk.ticket_events (ticket_id, actor_id, kind, new_value)
    values (new.id, auth.uid(), 'created', new.status::text);
    return null;
  end if;
  foreach f in array array['status', 'priority', 'assignee_id', 'team_id', 'category', 'title', 'branch_id', 'asset_id']
  loop
    o := to_jsonb(old) ->> f;
    n := to_jsonb(new) ->> f;
    if o is distinct from n then
      insert into helpdesk.ticket_events (ticket_id, actor_id, kind, field, old_value, new_value)
      values (new.id, auth.uid(), case when f = 'assignee_id' then 'assigned' else 'changed' end, f, o, n);
    end if;
  end loop;
  return null;
end
$$;
create trigger ticket_events after insert or update on helpdesk.tickets
  for each row execute function helpdesk.log_ticket_events();

-- Comments: the author is the caller; requesters write public comments on tickets they see; managers
-- do not write. The first public comment by staff sets first_responded_at; a requester's reply
-- reopens a pending or resolved ticket.
create function helpdesk.guard_comment_write() returns trigger
language plpgsql as $$
begin
  if current_user <> 'authenticated' then
    return new;
  end if;
  if tg_op = 'INSERT' then
    new.author_id := auth.uid();
    new.created_at := now();
    new.edited_at := null;
  else
    if new.author_id is distinct from old.author_id or new.ticket_id <> old.ticket_id
       or new.created_at <> old.created_at then
      raise exception 'a comment''s author, ticket and time never change' using errcode = '42501';
    end if;
    new.edited_at := now();
  end if;
  if new.internal and helpdesk.my_role() = 'requester' then
    raise exception 'requesters cannot write internal notes' using errcode = '42501';
  end if;
  return new;
end
$$;
create trigger a_guard before insert or update on helpdesk.ticket_comments
  for each row execute function helpdesk.guard_comment_write();

create function helpdesk.after_comment() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  t helpdesk.tickets;
  author_role helpdesk.member_role;
begin
  select * into t from helpdesk.tickets where id = new.ticket_id;
  select role into author_role from helpdesk.members where user_id = new.author_id;
  if not new.internal and author_role in ('agent', 'manager', 'admin')
     and new.author_id is distinct from t.requester_id and t.first_responded_at is null then
    update helpdesk.tickets
       set first_responded_at = new.created_at,
           first_response_breached = t.first_response_due_at is not null and new.created_at > t.first_response_due_at,
           status = case when status = 'new' then 'open' else status end
     where id = t.id;
  elsif not new.internal and new.author_id = t.requester_id and t.status in ('pending', 'resolved') then
    update helpdesk.tickets set status = 'open' where id = t.id;
  else
    update helpdesk.tickets set updated_at = now() where id = t.id;
  end if;
  if not new.internal then
    insert into helpdesk.notifications (member_id, kind, ticket_id, title, body)
    select m, 'comment', t.id, t.number || ': new reply', left(new.body, 200)
    from unnest(array[t.requester_id, t.assignee_id]) m
    where m is not null and m is distinct from new.author_id;
  elsif t.assignee_id is not null and t.assignee_id is distinct from new.author_id then
    insert into helpdesk.notifications (member_id, kind, ticket_id, title, body)
    values (t.assignee_id, 'internal_note', t.id, t.number || ': internal note', left(new.body, 200));
  end if;
  return null;
end
$$;
create trigger after_comment after insert on helpdesk.ticket_comments
  for each row execute function helpdesk.after_comment();

-- In-app notifications for ticket changes: the new assignee, and the requester on status changes.
create function helpdesk.notify_ticket_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.assignee_id is not null and new.assignee_id is distinct from old.assignee_id
     and new.assignee_id is distinct from auth.uid() then
    insert into helpdesk.notifications (member_id, kind, ticket_id, title, body)
    values (new.assignee_id, 'assigned', new.id, new.number || ' was assigned to you', new.title);
  end if;
  if new.status is distinct from old.status and new.requester_id is not null
     and new.requester_id is distinct from auth.uid() then
    insert into helpdesk.notifications (member_id, kind, ticket_id, title, body)
    values (new.requester_id, 'status', new.id, new.number || ' is now ' || replace(new.status::text, '_', ' '), new.title);
  end if;
  return null;
end
$$;
create trigger notify_ticket_change after update on helpdesk.tickets
  for each row execute function helpdesk.notify_ticket_change();

-- Asset assignment history: closing the open row and opening a new one when assigned_to changes.
create function helpdesk.track_asset_assignment() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'UPDATE' then
    if new.assigned_to is not distinct from old.assigned_to then
      return null;
    end if;
    update helpdesk.asset_assignments set released_at = now()
     where asset_id = new.id and released_at is null;
  end if;
  if new.assigned_to is not null then
    insert into helpdesk.asset_assignments (asset_id, member_id, assigned_by)
    values (new.id, new.assigned_to, auth.uid());
  end if;
  return null;
end
$$;
create trigger track_asset_assignment after insert or update of assigned_to on helpdesk.assets
  for each row execute function helpdesk.track_asset_assignment();

create function helpdesk.touch_chat() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update helpdesk.chat_conversations set last_message_at = new.created_at where id = new.conversation_id;
  return null;
end
$$;
create trigger touch_chat after insert on helpdesk.chat_messages
  for each row execute function helpdesk.touch_chat();
