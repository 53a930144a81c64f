"""The demo organisation's SQL (see demo.py): set-based statements, parameters as $n, no user input
reaches the text. Run with session_replication_role = replica, so derived columns are written here."""

ORGANISATION = """
insert into helpdesk.branches (name, code, address, city, country, phone, contact_name, contact_email) values
  ('Head Office', 'JHB', '12 Rivonia Road, Sandton', 'Johannesburg', 'South Africa', '+27 11 555 0100', 'Thandi Mokoena', 'reception.jhb@demo.oricol.example'),
  ('Cape Town', 'CPT', '8 Dock Road, V&A Waterfront', 'Cape Town', 'South Africa', '+27 21 555 0142', 'Pieter van Wyk', 'reception.cpt@demo.oricol.example'),
  ('Durban', 'DBN', '41 Florida Road, Morningside', 'Durban', 'South Africa', '+27 31 555 0177', 'Ayanda Dlamini', 'reception.dbn@demo.oricol.example'),
  ('Pretoria', 'PTA', '230 Lynnwood Road, Menlo Park', 'Pretoria', 'South Africa', '+27 12 555 0120', 'Johan Botha', 'reception.pta@demo.oricol.example'),
  ('Gqeberha', 'PLZ', '5 Walmer Boulevard', 'Gqeberha', 'South Africa', '+27 41 555 0155', 'Nomsa Jacobs', 'reception.plz@demo.oricol.example'),
  ('Windhoek', 'WDH', '17 Independence Avenue', 'Windhoek', 'Namibia', '+264 61 555 0190', 'Elias Shikongo', 'reception.wdh@demo.oricol.example')
on conflict (name) do nothing;
insert into helpdesk.teams (name, description, email) values
  ('Service Desk', 'First line: accounts, laptops, printing, email', 'servicedesk@demo.oricol.example'),
  ('Network', 'WAN links, Wi-Fi, VPN, firewalls', 'network@demo.oricol.example'),
  ('Infrastructure', 'Servers, storage, backups, Microsoft 365 tenancy', 'infra@demo.oricol.example'),
  ('Applications', 'ERP, payroll, line-of-business software', 'apps@demo.oricol.example')
on conflict (name) do nothing;
insert into helpdesk.ticket_categories (name)
select unnest(array['Hardware', 'Software', 'Network', 'Email', 'Access & Accounts', 'Printing', 'Telephony',
                    'Security', 'Onboarding', 'Other'])
on conflict (name) do nothing;
insert into helpdesk.business_hours (name, timezone, schedule)
select 'Office hours', 'Africa/Johannesburg',
       '{"mon": [["08:00", "17:00"]], "tue": [["08:00", "17:00"]], "wed": [["08:00", "17:00"]],
         "thu": [["08:00", "17:00"]], "fri": [["08:00", "16:00"]]}'::jsonb
where not exists (select 1 from helpdesk.business_hours where name = 'Office hours');
insert into helpdesk.holidays (business_hours_id, day, name)
select b.id, h.day::date, h.name from helpdesk.business_hours b,
  (values ('2026-09-24', 'Heritage Day'), ('2026-12-16', 'Day of Reconciliation'), ('2026-12-25', 'Christmas Day'),
          ('2026-12-26', 'Day of Goodwill'), ('2027-01-01', 'New Year''s Day'), ('2027-03-21', 'Human Rights Day')) h(day, name)
where b.name = 'Office hours'
on conflict do nothing;
insert into helpdesk.sla_policies (priority, first_response_minutes, resolution_minutes, business_hours_id)
select p.priority::helpdesk.ticket_priority, p.fr, p.res, case when p.priority = 'urgent' then null else b.id end
from (values ('urgent', 30, 240), ('high', 60, 540), ('normal', 240, 1620), ('low', 480, 4320)) p(priority, fr, res),
     (select id from helpdesk.business_hours where name = 'Office hours' limit 1) b
on conflict (priority) do nothing;
insert into helpdesk.canned_replies (title, body, team_id)
select c.title, c.body, (select id from helpdesk.teams where name = c.team) from (values
  ('Password reset done', 'I have reset your password. You will be asked to choose a new one when you next sign in.', 'Service Desk'),
  ('Restart first', 'Could you please restart the device and let us know whether the problem persists?', null),
  ('Waiting on supplier', 'We have logged this with the supplier and will update you as soon as we hear back.', null),
  ('VPN profile', 'Please remove the VPN profile, download the new one from the intranet and connect again.', 'Network'),
  ('Closing (no reply)', 'We have not heard back from you, so we are closing this ticket. Reply to reopen it.', null)
) c(title, body, team);
insert into helpdesk.settings (key, value) values
  ('support_address', '"support@demo.oricol.example"')
on conflict (key) do nothing
"""

FIRST_NAMES = ("'Thandi','Sipho','Lerato','Johan','Ayanda','Pieter','Nomsa','Kagiso','Anika','Bongani','Zanele',"
               "'Ruan','Lindiwe','Themba','Chantel','Mpho','Naledi','Riaan','Busisiwe','Tshepo','Megan','Lwazi',"
               "'Karabo','Elena','David','Fatima','Yusuf','Priya','Grace','Samuel','Nadia','Andile','Tumi','Wandile',"
               "'Hannah','Kabelo','Refilwe','Jacques','Sizwe','Ilse'")
LAST_NAMES = ("'Mokoena','Dlamini','Nkosi','van Wyk','Botha','Naidoo','Jacobs','Khumalo','Pillay','Smith','Mahlangu',"
              "'Ndlovu','Pretorius','Mthembu','Adams','Zulu','Venter','Molefe','Coetzee','Sithole','Petersen','Moloi',"
              "'Govender','Fourie','Shabalala','du Plessis','Maseko','Williams','Ngcobo','Steyn'")

# $1 requesters, $2..$5 bcrypt hashes of admin, manager, agent, requester, $6 agents.
MEMBERS_PLAN = f"""
create temp table demo_people on commit drop as
select gen_random_uuid() as id, p.role::helpdesk.member_role as role, p.hash,
       f.names[1 + (abs(hashtext(p.role || i)) % array_length(f.names, 1))] as first,
       l.names[1 + (abs(hashtext(i || p.role)) % array_length(l.names, 1))] as last,
       row_number() over () as n, i
from (values ('admin', 1, $2::text), ('manager', 2, $3::text), ('agent', $6::int, $4::text), ('requester', $1::int, $5::text))
       p(role, count, hash)
cross join lateral generate_series(1, p.count) i
cross join (select array[{FIRST_NAMES}] as names) f
cross join (select array[{LAST_NAMES}] as names) l
"""
MEMBERS = [
    MEMBERS_PLAN,
    "alter table demo_people add column email text",
    "update demo_people set email = lower(replace(first || '.' || last, ' ', '')) || n || '@' || $1",
    """
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select '00000000-0000-0000-0000-000000000000', id, 'authenticated', 'authenticated', email, hash,
       now() - interval '120 days', '{"provider": "email", "providers": ["email"]}',
       jsonb_build_object('full_name', first || ' ' || last), now() - interval '120 days', now()
from demo_people
""",
    """
insert into auth.identities (provider_id, user_id, identity_data, provider)
select id::text, id, jsonb_build_object('sub', id::text, 'email', email, 'email_verified', true), 'email'
from demo_people
""",
    """
insert into helpdesk.members (user_id, role, full_name, email, team_id, branch_id, job_title, phone, created_at)
select p.id, p.role, p.first || ' ' || p.last, p.email,
       case when p.role = 'agent' then t.ids[1 + (p.i - 1) % array_length(t.ids, 1)] end,
       case when p.role = 'requester' then b.ids[1 + (abs(hashtext(p.email)) % array_length(b.ids, 1))] else b.ids[1] end,
       case p.role when 'admin' then 'IT Manager' when 'manager' then 'Service Delivery Manager'
                   when 'agent' then 'IT Support Engineer'
                   else (array['Accountant', 'Sales Consultant', 'HR Officer', 'Branch Manager', 'Buyer', 'Receptionist',
                               'Engineer', 'Analyst', 'Payroll Officer', 'Marketing Coordinator'])[1 + p.i % 10] end,
       '+27 8' || (2 + p.i % 3) || ' 555 ' || lpad((p.n % 10000)::text, 4, '0'),
       now() - interval '120 days'
from demo_people p,
     (select array_agg(id order by name) ids from helpdesk.teams) t,
     (select array_agg(id order by created_at, name) ids from helpdesk.branches) b
""",
]

INVENTORY = [
    """
insert into helpdesk.assets (tag, name, type, manufacturer, model, serial, status, assigned_to, branch_id,
                             purchase_date, purchase_cost, warranty_expires_on, custom, created_at)
select 'LT-' || lpad(row_number() over (order by m.email)::text, 5, '0'),
       m.full_name || '''s laptop', 'laptop', k.maker, k.model,
       upper(substr(md5(m.user_id::text), 1, 10)), 'deployed', m.user_id, m.branch_id,
       d.bought, k.cost, d.bought + interval '3 years',
       jsonb_build_object('ram_gb', k.ram, 'os', 'Windows 11 Pro'), now() - interval '120 days'
from helpdesk.members m
cross join lateral (select current_date - (200 + abs(hashtext(m.email)) % 900) as bought) d
cross join lateral (select * from (values ('Dell', 'Latitude 5440', 21999.00, 16), ('Lenovo', 'ThinkPad T14 Gen 4', 24500.00, 16),
                                           ('HP', 'EliteBook 840 G10', 23250.00, 32)) v(maker, model, cost, ram)
                    offset abs(hashtext(m.user_id::text)) % 3 limit 1) k
where m.email like '%@' || $1
""",
    """
insert into helpdesk.assets (tag, name, type, manufacturer, model, serial, status, branch_id, purchase_date,
                             purchase_cost, warranty_expires_on, created_at)
select s.tag, s.name, s.type, s.maker, s.model, upper(substr(md5(s.tag), 1, 12)), s.status::helpdesk.asset_status,
       b.id, current_date - 400, s.cost, current_date + 700, now() - interval '120 days'
from helpdesk.branches b
cross join lateral (values
  ('RT-' || b.code, b.code || ' edge router', 'router', 'MikroTik', 'CCR2004', 'deployed', 18500.00),
  ('FW-' || b.code, b.code || ' firewall', 'firewall', 'Fortinet', 'FortiGate 60F', 'deployed', 16900.00),
  ('SW-' || b.code || '-1', b.code || ' core switch', 'switch', 'Aruba', '2930F 48G', 'deployed', 32000.00),
  ('AP-' || b.code || '-1', b.code || ' Wi-Fi (open plan)', 'access_point', 'Ubiquiti', 'U6 Pro', 'deployed', 3800.00),
  ('AP-' || b.code || '-2', b.code || ' Wi-Fi (boardroom)', 'access_point', 'Ubiquiti', 'U6 Lite', 'deployed', 2400.00),
  ('PR-' || b.code, b.code || ' printer', 'printer', 'Kyocera', 'TASKalfa 3554ci', 'deployed', 41000.00),
  ('LT-SPARE-' || b.code, 'Spare laptop ' || b.code, 'laptop', 'Dell', 'Latitude 3440', 'in_stock', 14999.00)
) s(tag, name, type, maker, model, status, cost)
""",
    """
insert into helpdesk.asset_assignments (asset_id, member_id, assigned_at)
select id, assigned_to, created_at from helpdesk.assets where assigned_to is not null
""",
    """
insert into helpdesk.network_devices (branch_id, asset_id, name, kind, ip_address, mac_address, location)
select a.branch_id, a.id, a.name, a.type,
       ('10.' || (10 + b.n) || '.0.' || (row_number() over (partition by a.branch_id order by a.tag)))::inet,
       upper(substr(md5(a.tag), 1, 2) || ':' || substr(md5(a.tag), 3, 2) || ':' || substr(md5(a.tag), 5, 2) || ':' ||
             substr(md5(a.tag), 7, 2) || ':' || substr(md5(a.tag), 9, 2) || ':' || substr(md5(a.tag), 11, 2)),
       case a.type when 'printer' then 'Open plan, next to the kitchen' else 'Server room rack A' end
from helpdesk.assets a
join (select id, row_number() over (order by created_at, name) n from helpdesk.branches) b on b.id = a.branch_id
where a.type in ('router', 'firewall', 'switch', 'access_point', 'printer')
""",
    """
insert into helpdesk.internet_links (branch_id, isp, circuit_id, account_number, bandwidth_down_mbps,
                                     bandwidth_up_mbps, contract_start, contract_end, monthly_cost, support_phone,
                                     support_email, notes)
select b.id, l.isp, l.prefix || '-' || b.code || '-' || (1000 + abs(hashtext(b.name || l.isp)) % 9000),
       'ACC' || (100000 + abs(hashtext(b.code || l.isp)) % 900000), l.down, l.up,
       current_date - 300, current_date + 430, l.cost, l.phone, l.email, l.notes
from helpdesk.branches b
cross join (values ('Vumatel Business', 'VUM', 500, 500, 4999.00, '+27 87 550 0000', 'business@vumatel.example', 'Primary fibre'),
                   ('Vodacom Business', 'VDC', 100, 50, 1299.00, '+27 82 111 0000', 'support@vodacom.example', 'LTE failover')) l(isp, prefix, down, up, cost, phone, email, notes)
""",
    """
insert into helpdesk.software (name, vendor, version, category) values
  ('Microsoft 365 Business Premium', 'Microsoft', '2026', 'Productivity'),
  ('Adobe Acrobat Pro', 'Adobe', '2025', 'Productivity'),
  ('Sage 300 People', 'Sage', '2026.1', 'Payroll'),
  ('SAP Business One', 'SAP', '10.0', 'ERP'),
  ('FortiClient VPN', 'Fortinet', '7.4', 'Security'),
  ('ESET PROTECT Entry', 'ESET', '11', 'Security'),
  ('AutoCAD LT', 'Autodesk', '2026', 'Design'),
  ('Veeam Backup & Replication', 'Veeam', '12.3', 'Infrastructure')
""",
    """
insert into helpdesk.licences (software_id, name, seats, purchased_on, renews_on, cost, vendor, notes)
select s.id, s.name || ' subscription', l.seats, current_date - 200, current_date + 165, l.cost, s.vendor, 'Annual, invoiced monthly'
from helpdesk.software s
join (values ('Microsoft 365 Business Premium', 6000, 420.00), ('Adobe Acrobat Pro', 40, 380.00),
             ('Sage 300 People', 15, 950.00), ('SAP Business One', 60, 1450.00), ('FortiClient VPN', 6000, 0.00),
             ('ESET PROTECT Entry', 6000, 45.00), ('AutoCAD LT', 10, 720.00), ('Veeam Backup & Replication', 10, 880.00)) l(name, seats, cost)
  on l.name = s.name
""",
    """
insert into helpdesk.licence_assignments (licence_id, member_id, assigned_at)
select l.id, m.user_id, m.created_at from helpdesk.licences l
join helpdesk.software s on s.id = l.software_id
join helpdesk.members m on m.email like '%@' || $1
where s.name in ('Microsoft 365 Business Premium', 'ESET PROTECT Entry')
   or (s.name = 'Adobe Acrobat Pro' and abs(hashtext(m.email)) % 40 = 0)
""",
    """
with d as (
  insert into helpdesk.network_diagrams (name, branch_id)
  select 'Head Office network', id from helpdesk.branches where code = 'JHB' returning id, branch_id
), nodes as (
  insert into helpdesk.diagram_nodes (diagram_id, asset_id, network_device_id, label, kind, x, y)
  select d.id, nd.asset_id, nd.id, nd.name, nd.kind,
         case nd.kind when 'firewall' then 300 when 'router' then 300 when 'switch' then 300 else 150 + 300 * (row_number() over (partition by nd.kind order by nd.name) - 1) end,
         case nd.kind when 'router' then 60 when 'firewall' then 180 when 'switch' then 300 else 440 end
  from d join helpdesk.network_devices nd on nd.branch_id = d.branch_id
  returning id, diagram_id, kind
)
insert into helpdesk.diagram_links (diagram_id, source_node_id, target_node_id, label)
select a.diagram_id, a.id, b.id, case when a.kind = 'router' then 'WAN' else 'LAN' end
from nodes a join nodes b on (a.kind, b.kind) in (('router', 'firewall'), ('firewall', 'switch'),
                                                 ('switch', 'access_point'), ('switch', 'printer'))
""",
]

TICKET_TEMPLATES = """
(values ('Hardware', 'Laptop will not power on', 'My laptop shows no lights when I press the power button, even when plugged in.'),
        ('Hardware', 'Second monitor flickering', 'The external monitor on my desk flickers every few seconds.'),
        ('Hardware', 'Docking station not detecting screens', 'Since this morning the dock does not detect either screen.'),
        ('Software', 'Excel crashes when opening the budget workbook', 'Excel closes without an error when I open the shared budget file.'),
        ('Software', 'Request: install Adobe Acrobat Pro', 'I need to edit and sign PDF contracts. Please install Acrobat Pro.'),
        ('Software', 'SAP Business One very slow', 'Posting an invoice takes more than a minute since the update.'),
        ('Network', 'VPN disconnects every few minutes', 'FortiClient drops the connection when I work from home.'),
        ('Network', 'No Wi-Fi in the boardroom', 'Nobody can connect to the Wi-Fi in the boardroom.'),
        ('Network', 'Branch internet down', 'The whole branch has no internet access since about 10:00.'),
        ('Email', 'Outlook keeps asking for my password', 'Outlook prompts for my password every time it starts.'),
        ('Email', 'Shared mailbox missing', 'The accounts@ shared mailbox disappeared from my Outlook.'),
        ('Email', 'Suspicious email received', 'I received an email asking me to confirm my banking details. Attached is a screenshot.'),
        ('Access & Accounts', 'Password reset', 'I am locked out of my account after too many attempts.'),
        ('Access & Accounts', 'Access to the HR shared drive', 'Please give me read access to the HR shared drive.'),
        ('Printing', 'Printer jams on every second page', 'The printer in the open plan jams on every second page.'),
        ('Printing', 'Cannot scan to email', 'Scanning to email fails with an SMTP error on the printer screen.'),
        ('Telephony', 'Desk phone has no dial tone', 'My desk phone shows "No service" and has no dial tone.'),
        ('Security', 'Lost phone with company email', 'I lost my phone in a taxi; it has my work email on it.'),
        ('Onboarding', 'New starter next Monday', 'Please set up a laptop, email and SAP access for our new buyer starting Monday.'),
        ('Other', 'Projector in training room', 'The training room projector shows a blue screen only.')) as tpl(category, title, description)
"""

# $1 how many tickets.
TICKETS = f"""
with tpl as (select array_agg(category) cats, array_agg(title) titles, array_agg(description) descs, count(*)::int n
             from {TICKET_TEMPLATES}),
     req as (select array_agg(user_id order by user_id) ids, array_agg(branch_id order by user_id) branches, count(*)::int n
             from helpdesk.members where role = 'requester'),
     ag as (select array_agg(user_id order by user_id) ids, array_agg(team_id order by user_id) teams, count(*)::int n
            from helpdesk.members where role = 'agent'),
     draw as (
       select g.i, now() - (random() ^ 1.4) * interval '90 days' as created, random() as r_status, random() as r_prio,
              random() as r_assign, 1 + floor(random() * tpl.n)::int as k, 1 + floor(random() * req.n)::int as who,
              1 + floor(random() * ag.n)::int as agent, random() as r_resp, random() as r_res,
              (array['web', 'web', 'web', 'email', 'email', 'phone', 'chat'])[1 + floor(random() * 7)::int] as source
       from generate_series(1, $1::int) g(i), tpl, req, ag
     ),
     shaped as (
       select d.*, extract(epoch from now() - d.created) / 86400 as age,
              (case when d.r_prio < 0.2 then 'low' when d.r_prio < 0.75 then 'normal' when d.r_prio < 0.95 then 'high'
                    else 'urgent' end)::helpdesk.ticket_priority as priority
       from draw d
     ),
     staged as (
       select s.*,
              (case when s.age > 10 then (case when s.r_status < 0.74 then 'closed' when s.r_status < 0.94 then 'resolved'
                                               when s.r_status < 0.97 then 'pending' else 'open' end)
                    when s.age > 2 then (case when s.r_status < 0.35 then 'resolved' when s.r_status < 0.5 then 'closed'
                                              when s.r_status < 0.75 then 'open' when s.r_status < 0.9 then 'pending'
                                              else 'on_hold' end)
                    else (case when s.r_status < 0.3 then 'new' when s.r_status < 0.7 then 'open'
                               when s.r_status < 0.85 then 'pending' when s.r_status < 0.9 then 'on_hold'
                               else 'resolved' end) end)::helpdesk.ticket_status as status,
              p.first_response_minutes as fr, p.resolution_minutes as res
       from shaped s join helpdesk.sla_policies p on p.priority = s.priority
     ),
     timed as (
       select st.*,
              case when st.status <> 'new' then least(now(), st.created + st.fr * (0.2 + st.r_resp * 1.2) * interval '1 minute') end as responded,
              case when st.status in ('resolved', 'closed')
                   then least(now(), st.created + st.res * (0.1 + st.r_res * 1.3) * interval '1 minute') end as resolved
       from staged st
     )
insert into helpdesk.tickets (number, title, description, status, priority, category, source, requester_id,
                              assignee_id, team_id, branch_id, first_response_due_at, resolution_due_at,
                              first_responded_at, resolved_at, closed_at, sla_paused_at, first_response_breached,
                              resolution_breached, created_at, updated_at)
select 'HD-' || nextval('helpdesk.ticket_number_seq'), tpl.titles[t.k], tpl.descs[t.k], t.status, t.priority,
       tpl.cats[t.k], t.source, req.ids[t.who],
       case when t.status = 'new' and t.r_assign < 0.8 then null else ag.ids[t.agent] end,
       case when t.status = 'new' and t.r_assign < 0.8 then null else ag.teams[t.agent] end,
       req.branches[t.who],
       t.created + t.fr * interval '1 minute' * case when t.priority = 'urgent' then 1 else 2.2 end,
       t.created + t.res * interval '1 minute' * case when t.priority = 'urgent' then 1 else 2.6 end,
       t.responded, t.resolved,
       case when t.status = 'closed' then least(now(), t.resolved + interval '3 days') end,
       case when t.status in ('pending', 'on_hold') then greatest(t.created, now() - interval '20 hours') end,
       coalesce(t.responded, now()) > t.created + t.fr * interval '1 minute' * case when t.priority = 'urgent' then 1 else 2.2 end,
       coalesce(t.resolved, now()) > t.created + t.res * interval '1 minute' * case when t.priority = 'urgent' then 1 else 2.6 end,
       t.created,
       greatest(t.created, least(now(), coalesce(case when t.status = 'closed' then t.resolved + interval '3 days' end,
                                                  t.resolved, t.responded, t.created) + interval '7 minutes'))
from (select * from timed order by created) t, tpl, req, ag
"""

# $1 average comments per ticket.
COMMENTS = """
with bodies as (select array[
  'Thanks, I have picked this up and will look at it now.',
  'Could you tell me when this started, and whether anything changed on your side?',
  'I have restarted the service; please try again and let me know.',
  'It is still happening, I am afraid. Screenshot attached.',
  'That worked, thank you!',
  'Logged with the supplier, reference attached. Waiting for their engineer.',
  'Remote session done: drivers updated and the cache cleared.',
  'Can we schedule a time tomorrow morning to look at your machine?',
  'Parts ordered, expected delivery in two working days.',
  'Thank you for the quick help.'] as public_bodies,
  array['Checked the logs: the certificate expired on the old VPN concentrator.',
        'Second time this month for this user: consider replacing the laptop.',
        'Escalating to Network, this looks like the branch switch.',
        'Licence count is at the limit, need approval from finance.'] as internal_bodies)
insert into helpdesk.ticket_comments (ticket_id, author_id, body, internal, created_at)
select t.id,
       case when c.internal or c.j % 2 = 1 then coalesce(t.assignee_id, t.requester_id) else t.requester_id end,
       case when c.internal then b.internal_bodies[1 + floor(random() * 4)::int] else b.public_bodies[1 + floor(random() * 10)::int] end,
       c.internal,
       t.created_at + (t.updated_at - t.created_at) * (c.j::float / (c.k + 1))
from helpdesk.tickets t
cross join bodies b
cross join lateral (select floor(random() * (2 * $1::float + 1))::int + 0 * length(t.number) as k) n  -- t: once per ticket
cross join lateral (select j, n.k, (t.assignee_id is not null and random() < 0.18) as internal
                    from generate_series(1, n.k) j) c
where t.status <> 'new'
"""

HISTORY = [
    """
insert into helpdesk.ticket_events (ticket_id, actor_id, kind, field, old_value, new_value, created_at)
select id, requester_id, 'created', null, null, 'new', created_at from helpdesk.tickets
union all
select id, assignee_id, 'assigned', 'assignee_id', null, assignee_id::text, coalesce(first_responded_at, created_at)
from helpdesk.tickets where assignee_id is not null
union all
select id, assignee_id, 'changed', 'status', 'new', 'open', first_responded_at
from helpdesk.tickets where first_responded_at is not null
union all
select id, assignee_id, 'changed', 'status', 'open', status::text, coalesce(resolved_at, updated_at)
from helpdesk.tickets where status not in ('new', 'open')
""",
    """
insert into helpdesk.time_entries (ticket_id, member_id, minutes, note, spent_on, created_at)
select id, assignee_id, (array[10, 15, 20, 30, 45, 60, 90])[1 + floor(random() * 7)::int],
       (array['Remote session', 'Phone call with user', 'Desk visit', 'Supplier follow-up'])[1 + floor(random() * 4)::int],
       coalesce(resolved_at, updated_at)::date, coalesce(resolved_at, updated_at)
from helpdesk.tickets where assignee_id is not null and random() < 0.4
""",
    """
insert into helpdesk.ticket_watchers (ticket_id, member_id)
select t.id, r.ids[1 + floor(random() * r.n)::int]
from helpdesk.tickets t,
     (select array_agg(user_id) ids, count(*)::int n from helpdesk.members where role = 'requester') r
where random() < 0.03
on conflict do nothing
""",
    """
insert into helpdesk.notifications (member_id, kind, ticket_id, title, body, read_at, created_at)
select t.assignee_id, 'assigned', t.id, t.number || ' was assigned to you', t.title,
       case when t.status in ('resolved', 'closed') then t.updated_at end, t.created_at
from (select *, row_number() over (partition by assignee_id order by created_at desc) rn
      from helpdesk.tickets where assignee_id is not null) t
where t.rn <= 15
""",
    """
with conv as (
  insert into helpdesk.chat_conversations (requester_id, agent_id, subject, status, created_at, last_message_at)
  select r.user_id, a.ids[1 + (row_number() over () % a.n)::int],
         (array['Quick question about VPN', 'Teams camera not working', 'Where do I find the leave form?',
                'New phone setup'])[1 + floor(random() * 4)::int],
         case when random() < 0.7 then 'closed' else 'open' end, now() - interval '2 days', now() - interval '1 day'
  from (select user_id from helpdesk.members where role = 'requester' order by user_id limit 25) r,
       (select array_agg(user_id) ids, count(*)::int n from helpdesk.members where role = 'agent') a
  returning id, requester_id, agent_id, created_at
)
insert into helpdesk.chat_messages (conversation_id, author_id, body, created_at)
select c.id, case when m.j % 2 = 1 then c.requester_id else c.agent_id end,
       (array['Hi, are you there?', 'Hi! Yes, how can I help?', 'It started after the update this morning.',
              'Let me check that for you.'])[m.j], c.created_at + m.j * interval '2 minutes'
from conv c cross join generate_series(1, 4) m(j)
""",
]

SAMPLE_ACCOUNTS = """
select email from helpdesk.members where role = $1::helpdesk.member_role and email like '%@' || $2
order by email limit 5
"""
