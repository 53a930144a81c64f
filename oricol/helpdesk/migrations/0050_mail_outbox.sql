-- Notification mails: triggers queue rows in helpdesk.notification_outbox in the same transaction as
-- the change that causes them; the job in oricol/helpdesk/notify/ sends them. Nobody is mailed about
-- their own action, except the requester's acknowledgement of a new ticket. Requesters are never
-- mailed about internal notes.

-- The Message-ID each mail went out with: a reply's In-Reply-To/References finds its ticket by it.
alter table helpdesk.notification_outbox add column message_id text;
create unique index notification_outbox_message_id_idx on helpdesk.notification_outbox (message_id)
  where message_id is not null;
create index notification_outbox_ticket_idx on helpdesk.notification_outbox (ticket_id, to_email);

-- What every template may use about a ticket (the mail job adds `link`).
create function helpdesk.mail_payload(t helpdesk.tickets) returns jsonb
language sql stable security definer set search_path = '' as $$
  select jsonb_build_object(
    'number', t.number,
    'title', t.title,
    'description', left(t.description, 4000),
    'status', replace(t.status::text, '_', ' '),
    'priority', t.priority::text,
    'category', t.category,
    'source', t.source,
    'requester_name', coalesce(r.full_name, r.email, 'a requester'),
    'requester_email', r.email,
    'assignee_name', coalesce(a.full_name, a.email, 'nobody'),
    'team_name', coalesce(tm.name, 'none')
  )
  from (select 1) one
  left join helpdesk.members r on r.user_id = t.requester_id
  left join helpdesk.members a on a.user_id = t.assignee_id
  left join helpdesk.teams tm on tm.id = t.team_id
$$;

-- One queued mail to an active member with an address (nothing for anyone else).
create function helpdesk.queue_member_mail(member uuid, kind text, template text, subject text,
                                           payload jsonb, ticket uuid) returns void
language sql security definer set search_path = '' as $$
  insert into helpdesk.notification_outbox (kind, to_email, subject, template, payload, ticket_id)
  select kind, m.email, subject, template, payload, ticket
  from helpdesk.members m
  where m.user_id = member and m.active and coalesce(m.email, '') like '%_@_%'
$$;

create function helpdesk.mail_on_ticket_created() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  payload jsonb := helpdesk.mail_payload(new);
  subject text := '[' || new.number || '] ' || new.title;
  staff uuid[];
begin
  perform helpdesk.queue_member_mail(new.requester_id, 'ticket_created', 'ticket_created_requester',
                                     subject, payload, new.id);
  -- The agents (and admins, who work tickets too) of its team; all of them when it has no team or the
  -- team has none.
  select array_agg(m.user_id) into staff from helpdesk.members m
  where m.active and m.role in ('agent', 'admin') and new.team_id is not null and m.team_id = new.team_id;
  if staff is null then
    select array_agg(m.user_id) into staff from helpdesk.members m
    where m.active and m.role in ('agent', 'admin');
  end if;
  perform helpdesk.queue_member_mail(s, 'ticket_created', 'ticket_created_agents', subject, payload, new.id)
  from unnest(coalesce(staff, '{}')) s
  where s is distinct from auth.uid() and s is distinct from new.requester_id;
  return null;
end
$$;
create trigger mail_on_created after insert on helpdesk.tickets
  for each row execute function helpdesk.mail_on_ticket_created();

create function helpdesk.mail_on_ticket_changed() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  payload jsonb;
begin
  if new.assignee_id is not distinct from old.assignee_id and new.status = old.status then
    return null;
  end if;
  payload := helpdesk.mail_payload(new);
  if new.assignee_id is not null and new.assignee_id is distinct from old.assignee_id
     and new.assignee_id is distinct from auth.uid() then
    perform helpdesk.queue_member_mail(new.assignee_id, 'assigned', 'ticket_assigned',
                                       '[' || new.number || '] Assigned to you: ' || new.title, payload, new.id);
  end if;
  -- new -> open is the ticket's first response, already mailed as the reply itself.
  if new.status <> old.status and not (old.status = 'new' and new.status = 'open')
     and new.requester_id is distinct from auth.uid() then
    perform helpdesk.queue_member_mail(new.requester_id, 'status_changed', 'status_changed',
                                       '[' || new.number || '] Status changed: ' || new.title,
                                       payload || jsonb_build_object('old_status', replace(old.status::text, '_', ' ')),
                                       new.id);
  end if;
  return null;
end
$$;
create trigger mail_on_changed after update of assignee_id, status on helpdesk.tickets
  for each row execute function helpdesk.mail_on_ticket_changed();

create function helpdesk.mail_on_comment() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  t helpdesk.tickets;
  payload jsonb;
begin
  select * into t from helpdesk.tickets where id = new.ticket_id;
  payload := helpdesk.mail_payload(t) || jsonb_build_object(
    'comment', left(new.body, 10000),
    'comment_kind', case when new.internal then 'internal note' else 'reply' end,
    'author_name', coalesce((select coalesce(m.full_name, m.email) from helpdesk.members m
                             where m.user_id = new.author_id), 'Support'));
  if not new.internal and t.requester_id is distinct from new.author_id then
    perform helpdesk.queue_member_mail(t.requester_id, 'comment', 'comment_requester',
                                       '[' || t.number || '] New reply: ' || t.title, payload, t.id);
  end if;
  if t.assignee_id is distinct from new.author_id and t.assignee_id is distinct from t.requester_id then
    perform helpdesk.queue_member_mail(t.assignee_id, 'comment', 'comment_assignee',
                                       '[' || t.number || '] New ' || (payload ->> 'comment_kind') || ': ' || t.title,
                                       payload, t.id);
  end if;
  return null;
end
$$;
create trigger mail_on_comment after insert on helpdesk.ticket_comments
  for each row execute function helpdesk.mail_on_comment();

-- SLA about to breach: one warning per ticket, target and due time (a new due time warns again).
create table helpdesk.sla_mail_warnings (
  ticket_id uuid not null references helpdesk.tickets (id) on delete cascade,
  target text not null,
  due_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (ticket_id, target, due_at)
);
alter table helpdesk.sla_mail_warnings enable row level security;

create index tickets_first_response_due_idx on helpdesk.tickets (first_response_due_at)
  where first_responded_at is null;
create index tickets_resolution_due_idx on helpdesk.tickets (resolution_due_at)
  where resolved_at is null;

-- Called by the mail job every minute on every node: the primary key makes each warning happen once.
create function helpdesk.enqueue_sla_warnings(within interval) returns integer
language plpgsql security definer set search_path = '' as $$
declare
  queued integer;
begin
  with due as (
    select t.id, 'first response' as target, t.first_response_due_at as due_at
    from helpdesk.tickets t
    where t.first_responded_at is null and t.first_response_due_at > now()
      and t.first_response_due_at <= now() + within
      and t.assignee_id is not null and t.sla_paused_at is null and t.status not in ('pending', 'on_hold', 'resolved', 'closed')
    union all
    select t.id, 'resolution', t.resolution_due_at
    from helpdesk.tickets t
    where t.resolved_at is null and t.resolution_due_at > now() and t.resolution_due_at <= now() + within
      and t.assignee_id is not null and t.sla_paused_at is null and t.status not in ('pending', 'on_hold', 'resolved', 'closed')
  ), fresh as (
    insert into helpdesk.sla_mail_warnings (ticket_id, target, due_at)
    select id, target, due_at from due
    on conflict do nothing
    returning ticket_id, target, due_at
  )
  select count(helpdesk.queue_member_mail(
           t.assignee_id, 'sla_warning', 'sla_warning', '[' || t.number || '] SLA about to breach: ' || t.title,
           helpdesk.mail_payload(t) || jsonb_build_object('sla_target', f.target,
             'due_at', to_char(f.due_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC'),
           t.id) is null)
    into queued
  from fresh f join helpdesk.tickets t on t.id = f.ticket_id;
  return queued;
end
$$;
revoke all on function helpdesk.enqueue_sla_warnings(interval) from public;
revoke all on function helpdesk.queue_member_mail(uuid, text, text, text, jsonb, uuid) from public;
revoke all on function helpdesk.mail_payload(helpdesk.tickets) from public;
revoke all on function helpdesk.enqueue_sla_warnings(interval) from anon, authenticated, service_role;
revoke all on function helpdesk.queue_member_mail(uuid, text, text, text, jsonb, uuid) from anon, authenticated, service_role;
revoke all on function helpdesk.mail_payload(helpdesk.tickets) from anon, authenticated, service_role;
revoke all on helpdesk.sla_mail_warnings from anon, authenticated;
