-- The Oricol Helpdesk's data model: schema `helpdesk`, its enums, tables, keys and indexes.
-- Policies, triggers and functions follow in the next migrations. Column names are fixed by
-- shared/DESIGN.md (the web app is built against them): add, never rename.
create schema if not exists helpdesk;
-- Private bookkeeping no API role may read (the vault key lives here).
create schema if not exists helpdesk_private;
revoke all on schema helpdesk_private from public;

create type helpdesk.member_role as enum ('requester', 'agent', 'manager', 'admin');
create type helpdesk.ticket_status as enum ('new', 'open', 'pending', 'on_hold', 'resolved', 'closed');
create type helpdesk.ticket_priority as enum ('low', 'normal', 'high', 'urgent');
create type helpdesk.asset_status as enum ('in_stock', 'deployed', 'in_repair', 'retired', 'lost');

create table helpdesk.teams (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  description text,
  email text
);

create table helpdesk.branches (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  code text,
  address text,
  city text,
  country text,
  phone text,
  contact_name text,
  contact_email text,
  notes text,
  created_at timestamptz not null default now()
);

create table helpdesk.members (
  user_id uuid primary key references auth.users (id) on delete cascade,
  role helpdesk.member_role not null default 'requester',
  full_name text,
  email text,
  team_id uuid references helpdesk.teams (id) on delete set null,
  branch_id uuid references helpdesk.branches (id) on delete set null,
  active boolean not null default true,
  phone text,
  job_title text,
  created_at timestamptz not null default now()
);
create index members_team_idx on helpdesk.members (team_id);
create index members_branch_idx on helpdesk.members (branch_id);
create index members_role_idx on helpdesk.members (role);
create index members_email_idx on helpdesk.members (lower(email));

create table helpdesk.business_hours (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  timezone text not null default 'UTC',
  schedule jsonb not null default '{}'
);

create table helpdesk.holidays (
  id uuid primary key default gen_random_uuid(),
  business_hours_id uuid not null references helpdesk.business_hours (id) on delete cascade,
  day date not null,
  name text,
  unique (business_hours_id, day)
);

create table helpdesk.sla_policies (
  id uuid primary key default gen_random_uuid(),
  priority helpdesk.ticket_priority not null unique,
  first_response_minutes int not null check (first_response_minutes > 0),
  resolution_minutes int not null check (resolution_minutes > 0),
  business_hours_id uuid references helpdesk.business_hours (id) on delete set null
);

create table helpdesk.ticket_categories (
  id uuid primary key default gen_random_uuid(),
  name text not null unique
);

create table helpdesk.assets (
  id uuid primary key default gen_random_uuid(),
  tag text not null unique,
  name text not null,
  type text,
  manufacturer text,
  model text,
  serial text,
  status helpdesk.asset_status not null default 'in_stock',
  assigned_to uuid references helpdesk.members (user_id) on delete set null,
  branch_id uuid references helpdesk.branches (id) on delete set null,
  purchase_date date,
  purchase_cost numeric(12, 2),
  warranty_expires_on date,
  notes text,
  custom jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index assets_assigned_to_idx on helpdesk.assets (assigned_to);
create index assets_branch_idx on helpdesk.assets (branch_id);
create index assets_status_idx on helpdesk.assets (status);

create table helpdesk.asset_assignments (
  id uuid primary key default gen_random_uuid(),
  asset_id uuid not null references helpdesk.assets (id) on delete cascade,
  member_id uuid references helpdesk.members (user_id) on delete set null,
  assigned_at timestamptz not null default now(),
  released_at timestamptz,
  assigned_by uuid references helpdesk.members (user_id) on delete set null
);
create index asset_assignments_asset_idx on helpdesk.asset_assignments (asset_id, assigned_at desc);
create index asset_assignments_member_idx on helpdesk.asset_assignments (member_id);

create sequence helpdesk.ticket_number_seq start 1001;

create table helpdesk.tickets (
  id uuid primary key default gen_random_uuid(),
  number text not null unique,  -- 'HD-1001', … from ticket_number_seq, set by a trigger
  title text not null check (length(btrim(title)) > 0),
  description text not null default '',
  status helpdesk.ticket_status not null default 'new',
  priority helpdesk.ticket_priority not null default 'normal',
  category text,
  source text not null default 'web' check (source in ('web', 'email', 'chat', 'phone')),
  requester_id uuid references helpdesk.members (user_id) on delete set null,
  assignee_id uuid references helpdesk.members (user_id) on delete set null,
  team_id uuid references helpdesk.teams (id) on delete set null,
  branch_id uuid references helpdesk.branches (id) on delete set null,
  asset_id uuid references helpdesk.assets (id) on delete set null,
  first_response_due_at timestamptz,
  resolution_due_at timestamptz,
  first_responded_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  sla_paused_at timestamptz,
  sla_paused_total interval not null default '0',
  first_response_breached boolean not null default false,
  resolution_breached boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  search tsvector generated always as (
    setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, coalesce(number, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
  ) stored
);
-- The agent's queue (status + assignee, newest first), a requester's own tickets, the global list.
create index tickets_assignee_status_updated_idx on helpdesk.tickets (assignee_id, status, updated_at desc);
create index tickets_status_updated_idx on helpdesk.tickets (status, updated_at desc);
create index tickets_requester_updated_idx on helpdesk.tickets (requester_id, updated_at desc);
create index tickets_team_updated_idx on helpdesk.tickets (team_id, updated_at desc);
create index tickets_updated_idx on helpdesk.tickets (updated_at desc);
create index tickets_created_idx on helpdesk.tickets (created_at);
create index tickets_branch_idx on helpdesk.tickets (branch_id);
create index tickets_asset_idx on helpdesk.tickets (asset_id);
create index tickets_search_idx on helpdesk.tickets using gin (search);

create table helpdesk.ticket_comments (
  id uuid primary key default gen_random_uuid(),
  ticket_id uuid not null references helpdesk.tickets (id) on delete cascade,
  author_id uuid references helpdesk.members (user_id) on delete set null,
  body text not null check (length(btrim(body)) > 0),
  internal boolean not null default false,
  created_at timestamptz not null default now(),
  edited_at timestamptz
);
create index ticket_comments_ticket_idx on helpdesk.ticket_comments (ticket_id, created_at);
create index ticket_comments_author_idx on helpdesk.ticket_comments (author_id);

create table helpdesk.ticket_events (
  id bigint generated always as identity primary key,
  ticket_id uuid not null references helpdesk.tickets (id) on delete cascade,
  actor_id uuid references helpdesk.members (user_id) on delete set null,
  kind text not null,
  field text,
  old_value text,
  new_value text,
  created_at timestamptz not null default now()
);
create index ticket_events_ticket_idx on helpdesk.ticket_events (ticket_id, created_at);

create table helpdesk.ticket_watchers (
  ticket_id uuid not null references helpdesk.tickets (id) on delete cascade,
  member_id uuid not null references helpdesk.members (user_id) on delete cascade,
  primary key (ticket_id, member_id)
);
create index ticket_watchers_member_idx on helpdesk.ticket_watchers (member_id);

create table helpdesk.ticket_attachments (
  id uuid primary key default gen_random_uuid(),
  ticket_id uuid not null references helpdesk.tickets (id) on delete cascade,
  comment_id uuid references helpdesk.ticket_comments (id) on delete cascade,
  bucket text not null default 'helpdesk-attachments',
  object_path text not null,
  file_name text not null,
  content_type text,
  size_bytes bigint,
  uploaded_by uuid references helpdesk.members (user_id) on delete set null,
  created_at timestamptz not null default now()
);
create index ticket_attachments_ticket_idx on helpdesk.ticket_attachments (ticket_id);
create index ticket_attachments_comment_idx on helpdesk.ticket_attachments (comment_id);
create index ticket_attachments_path_idx on helpdesk.ticket_attachments (object_path);

create table helpdesk.time_entries (
  id uuid primary key default gen_random_uuid(),
  ticket_id uuid not null references helpdesk.tickets (id) on delete cascade,
  member_id uuid references helpdesk.members (user_id) on delete set null,
  minutes int not null check (minutes > 0),
  note text,
  spent_on date not null default current_date,
  created_at timestamptz not null default now()
);
create index time_entries_ticket_idx on helpdesk.time_entries (ticket_id);
create index time_entries_member_idx on helpdesk.time_entries (member_id, spent_on);

create table helpdesk.canned_replies (
  id uuid primary key default gen_random_uuid(),
  title text not null,
  body text not null,
  team_id uuid references helpdesk.teams (id) on delete cascade,
  created_by uuid references helpdesk.members (user_id) on delete set null,
  created_at timestamptz not null default now()
);

create table helpdesk.software (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  vendor text,
  version text,
  category text
);

create table helpdesk.licences (
  id uuid primary key default gen_random_uuid(),
  software_id uuid references helpdesk.software (id) on delete cascade,
  name text not null,
  seats int not null default 1 check (seats >= 0),
  purchased_on date,
  renews_on date,
  cost numeric(12, 2),
  vendor text,
  notes text,
  created_at timestamptz not null default now()
);
create index licences_software_idx on helpdesk.licences (software_id);

create table helpdesk.licence_assignments (
  id uuid primary key default gen_random_uuid(),
  licence_id uuid not null references helpdesk.licences (id) on delete cascade,
  member_id uuid references helpdesk.members (user_id) on delete cascade,
  asset_id uuid references helpdesk.assets (id) on delete cascade,
  assigned_at timestamptz not null default now(),
  released_at timestamptz,
  assigned_by uuid references helpdesk.members (user_id) on delete set null,
  check (member_id is not null or asset_id is not null)
);
create index licence_assignments_licence_idx on helpdesk.licence_assignments (licence_id) where released_at is null;
create index licence_assignments_member_idx on helpdesk.licence_assignments (member_id);
create index licence_assignments_asset_idx on helpdesk.licence_assignments (asset_id);

create table helpdesk.network_devices (
  id uuid primary key default gen_random_uuid(),
  branch_id uuid references helpdesk.branches (id) on delete cascade,
  asset_id uuid references helpdesk.assets (id) on delete set null,
  name text not null,
  kind text not null default 'other'
    check (kind in ('router', 'switch', 'firewall', 'access_point', 'server', 'printer', 'other')),
  ip_address inet,
  mac_address text,
  location text,
  notes text
);
create index network_devices_branch_idx on helpdesk.network_devices (branch_id);

create table helpdesk.internet_links (
  id uuid primary key default gen_random_uuid(),
  branch_id uuid references helpdesk.branches (id) on delete cascade,
  isp text not null,
  circuit_id text,
  account_number text,
  bandwidth_down_mbps int,
  bandwidth_up_mbps int,
  contract_start date,
  contract_end date,
  monthly_cost numeric(12, 2),
  support_phone text,
  support_email text,
  notes text
);
create index internet_links_branch_idx on helpdesk.internet_links (branch_id);

create table helpdesk.network_diagrams (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  branch_id uuid references helpdesk.branches (id) on delete cascade,
  created_by uuid references helpdesk.members (user_id) on delete set null,
  updated_at timestamptz not null default now(),
  updated_by uuid references helpdesk.members (user_id) on delete set null
);

create table helpdesk.diagram_nodes (
  id uuid primary key default gen_random_uuid(),
  diagram_id uuid not null references helpdesk.network_diagrams (id) on delete cascade,
  asset_id uuid references helpdesk.assets (id) on delete set null,
  network_device_id uuid references helpdesk.network_devices (id) on delete set null,
  label text,
  kind text,
  x double precision not null default 0,
  y double precision not null default 0
);
create index diagram_nodes_diagram_idx on helpdesk.diagram_nodes (diagram_id);

create table helpdesk.diagram_links (
  id uuid primary key default gen_random_uuid(),
  diagram_id uuid not null references helpdesk.network_diagrams (id) on delete cascade,
  source_node_id uuid not null references helpdesk.diagram_nodes (id) on delete cascade,
  target_node_id uuid not null references helpdesk.diagram_nodes (id) on delete cascade,
  label text
);
create index diagram_links_diagram_idx on helpdesk.diagram_links (diagram_id);

create table helpdesk.documents (
  id uuid primary key default gen_random_uuid(),
  folder text not null default '/',
  name text not null,
  bucket text not null default 'helpdesk-documents',
  object_path text not null,
  content_type text,
  size_bytes bigint,
  tags text[] not null default '{}',
  uploaded_by uuid references helpdesk.members (user_id) on delete set null,
  created_at timestamptz not null default now()
);
create index documents_folder_idx on helpdesk.documents (folder);

create table helpdesk.chat_conversations (
  id uuid primary key default gen_random_uuid(),
  requester_id uuid references helpdesk.members (user_id) on delete cascade,
  agent_id uuid references helpdesk.members (user_id) on delete set null,
  subject text,
  status text not null default 'open' check (status in ('open', 'closed')),
  created_at timestamptz not null default now(),
  last_message_at timestamptz not null default now()
);
create index chat_conversations_requester_idx on helpdesk.chat_conversations (requester_id, last_message_at desc);
create index chat_conversations_agent_idx on helpdesk.chat_conversations (agent_id, last_message_at desc);

create table helpdesk.chat_messages (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references helpdesk.chat_conversations (id) on delete cascade,
  author_id uuid references helpdesk.members (user_id) on delete set null,
  body text not null check (length(btrim(body)) > 0),
  created_at timestamptz not null default now()
);
create index chat_messages_conversation_idx on helpdesk.chat_messages (conversation_id, created_at);

create table helpdesk.chat_reads (
  conversation_id uuid not null references helpdesk.chat_conversations (id) on delete cascade,
  member_id uuid not null references helpdesk.members (user_id) on delete cascade,
  last_read_at timestamptz not null default now(),
  primary key (conversation_id, member_id)
);

-- The vault: `secret` holds ciphertext only (see 0004_vault.sql); `new_secret` is a write-only input
-- that a trigger encrypts into `secret` and clears, so the plain text is never stored.
create table helpdesk.credentials (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  kind text not null default 'other' check (kind in ('vpn', 'rdp', 'wifi', 'other')),
  branch_id uuid references helpdesk.branches (id) on delete set null,
  username text,
  url text,
  notes text,
  secret bytea,
  new_secret text,
  created_by uuid references helpdesk.members (user_id) on delete set null,
  created_at timestamptz not null default now(),
  check (new_secret is null)
);

create table helpdesk.notifications (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null references helpdesk.members (user_id) on delete cascade,
  kind text not null,
  ticket_id uuid references helpdesk.tickets (id) on delete cascade,
  title text not null,
  body text,
  read_at timestamptz,
  created_at timestamptz not null default now()
);
create index notifications_member_idx on helpdesk.notifications (member_id, created_at desc);
create index notifications_unread_idx on helpdesk.notifications (member_id) where read_at is null;

create table helpdesk.notification_outbox (
  id bigint generated always as identity primary key,
  kind text not null,
  to_email text not null,
  subject text not null,
  template text not null,
  payload jsonb not null default '{}',
  ticket_id uuid references helpdesk.tickets (id) on delete cascade,
  created_at timestamptz not null default now(),
  send_after timestamptz not null default now(),
  sent_at timestamptz,
  attempts int not null default 0,
  last_error text
);
create index notification_outbox_pending_idx on helpdesk.notification_outbox (send_after) where sent_at is null;

create table helpdesk.audit_log (
  id bigint generated always as identity primary key,
  actor_id uuid,
  action text not null,
  entity text,
  entity_id text,
  details jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index audit_log_created_idx on helpdesk.audit_log (created_at desc);

create table helpdesk.settings (
  key text primary key,
  value jsonb not null
);

-- Every table under RLS; the API roles reach the schema, anon reaches nothing in it.
do $$
declare
  t record;
begin
  for t in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'helpdesk' and c.relkind = 'r'
  loop
    execute format('alter table helpdesk.%I enable row level security', t.relname);
  end loop;
end
$$;
grant usage on schema helpdesk to anon, authenticated, service_role;
grant all on all tables in schema helpdesk to authenticated, service_role;
grant usage, select on all sequences in schema helpdesk to authenticated, service_role;
revoke all on all tables in schema helpdesk from anon;
