-- Reports over what the caller may see (security invoker: RLS applies, so an agent limited to a team
-- gets that team's numbers and a requester gets their own). Ranges are whole days [date_from, date_to].

-- Tickets created and resolved per period and per key of one dimension (category, branch, agent).
create function helpdesk.report_tickets(date_from date, date_to date, dimension text default 'category',
                                        period text default 'day')
returns table (period_start date, key text, label text, created bigint, resolved bigint)
language plpgsql stable set search_path = '' as $$
begin
  if dimension not in ('category', 'branch', 'agent') then
    raise exception 'dimension must be category, branch or agent' using errcode = '22023';
  end if;
  if period not in ('day', 'week', 'month') then
    raise exception 'period must be day, week or month' using errcode = '22023';
  end if;
  if date_from is null or date_to is null or date_to < date_from or date_to - date_from > 3660 then
    raise exception 'give a date range of at most ten years, from before to' using errcode = '22023';
  end if;
  return query
  with visible as (
    select t.created_at, t.resolved_at,
           case dimension when 'category' then coalesce(t.category, '')
                          when 'branch' then coalesce(t.branch_id::text, '')
                          else coalesce(t.assignee_id::text, '') end as k,
           case dimension when 'category' then coalesce(nullif(t.category, ''), 'Uncategorised')
                          when 'branch' then coalesce(b.name, 'No branch')
                          else coalesce(m.full_name, m.email, 'Unassigned') end as l
    from helpdesk.tickets t
    left join helpdesk.branches b on b.id = t.branch_id
    left join helpdesk.members m on m.user_id = t.assignee_id
    where (t.created_at >= date_from and t.created_at < date_to + 1)
       or (t.resolved_at >= date_from and t.resolved_at < date_to + 1)
  ), events as (
    select date_trunc(period, created_at)::date p, k, l, 1 c, 0 r from visible
      where created_at >= date_from and created_at < date_to + 1
    union all
    select date_trunc(period, resolved_at)::date, k, l, 0, 1 from visible
      where resolved_at >= date_from and resolved_at < date_to + 1
  )
  select e.p, e.k, min(e.l), sum(e.c)::bigint, sum(e.r)::bigint from events e group by e.p, e.k order by 1, 2;
end
$$;

-- SLA compliance per priority of tickets created in the range: met, breached, still running.
create function helpdesk.report_sla(date_from date, date_to date)
returns table (priority helpdesk.ticket_priority, tickets bigint,
               first_response_met bigint, first_response_breached bigint,
               resolution_met bigint, resolution_breached bigint)
language sql stable set search_path = '' as $$
  select t.priority, count(*),
         count(*) filter (where t.first_responded_at is not null and not coalesce(t.first_response_breached, false)),
         count(*) filter (where coalesce(t.first_response_breached, false)),
         count(*) filter (where t.resolved_at is not null and not coalesce(t.resolution_breached, false)),
         count(*) filter (where coalesce(t.resolution_breached, false))
  from helpdesk.tickets t
  where t.created_at >= date_from and t.created_at < date_to + 1
  group by t.priority order by t.priority
$$;

-- Assets by status (and type), over the assets the caller may see.
create function helpdesk.report_assets()
returns table (status helpdesk.asset_status, type text, assets bigint)
language sql stable set search_path = '' as $$
  select a.status, coalesce(a.type, ''), count(*) from helpdesk.assets a group by 1, 2 order by 1, 2
$$;

grant execute on function helpdesk.report_tickets(date, date, text, text), helpdesk.report_sla(date, date),
  helpdesk.report_assets() to authenticated, service_role;
