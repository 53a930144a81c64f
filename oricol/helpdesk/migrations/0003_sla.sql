-- SLA: due times in business minutes (per-priority policies, business hours in a time zone, holidays),
-- computed by triggers at insert and on priority change; pending and on_hold pause the clock, and on
-- resume the due times move by the paused span. Breach flags are set at the moment a response or a
-- resolution happens (late or not), and for tickets still open past their due time by
-- helpdesk.mark_sla_breaches(), which the helpdesk service runs every minute (so list filters on the
-- flags are index-friendly plain columns rather than computed per read).

-- `start` plus `minutes` of working time under the business hours `hours` (null: round the clock).
-- Schedule: {"mon": [["09:00","17:00"]], ...}; days missing or empty are closed; holidays are closed.
create function helpdesk.add_business_minutes(start timestamptz, minutes int, hours uuid)
returns timestamptz
language plpgsql stable set search_path = '' as $$
declare
  bh helpdesk.business_hours;
  tz text;
  local_start timestamp;
  d date;
  span jsonb;
  open_at timestamp;
  close_at timestamp;
  cursor_at timestamp;
  left_minutes numeric := minutes;
  available numeric;
  i int;
begin
  if minutes is null or start is null then
    return null;
  end if;
  select * into bh from helpdesk.business_hours where id = hours;
  if bh.id is null or bh.schedule is null or bh.schedule = '{}'::jsonb then
    return start + make_interval(mins => minutes);
  end if;
  tz := coalesce(nullif(bh.timezone, ''), 'UTC');
  local_start := start at time zone tz;
  cursor_at := local_start;
  d := local_start::date;
  for i in 0..730 loop  -- two years of calendar days at most: a schedule with no open hours ends here
    if not exists (select 1 from helpdesk.holidays h where h.business_hours_id = bh.id and h.day = d) then
      for span in select value from jsonb_array_elements(
          coalesce(bh.schedule -> lower(to_char(d, 'Dy')), '[]'::jsonb)) loop
        open_at := d + (span ->> 0)::time;
        close_at := case when span ->> 1 in ('24:00', '24:00:00') then (d + 1)::timestamp
                         else d + (span ->> 1)::time end;
        if close_at > cursor_at then
          open_at := greatest(open_at, cursor_at);
          available := extract(epoch from close_at - open_at) / 60;
          if available >= left_minutes then
            return (open_at + make_interval(secs => left_minutes * 60)) at time zone tz;
          end if;
          left_minutes := left_minutes - available;
          cursor_at := close_at;
        end if;
      end loop;
    end if;
    d := d + 1;
    cursor_at := greatest(cursor_at, d::timestamp);
  end loop;
  return null;
end
$$;

-- The due times of a ticket of `priority` created at `created`, shifted by the time spent paused.
create function helpdesk.sla_due(priority helpdesk.ticket_priority, created timestamptz, paused interval,
                                 out first_response_due_at timestamptz, out resolution_due_at timestamptz)
language sql stable set search_path = '' as $$
  select helpdesk.add_business_minutes(created, p.first_response_minutes, p.business_hours_id) + paused,
         helpdesk.add_business_minutes(created, p.resolution_minutes, p.business_hours_id) + paused
  from helpdesk.sla_policies p where p.priority = sla_due.priority
$$;

create function helpdesk.apply_sla() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  due record;
  paused_for interval;
begin
  if tg_op = 'INSERT' or new.priority is distinct from old.priority then
    select * into due from helpdesk.sla_due(new.priority, new.created_at, new.sla_paused_total);
    new.first_response_due_at := due.first_response_due_at;
    new.resolution_due_at := due.resolution_due_at;
  end if;
  if tg_op = 'INSERT' then
    if new.status in ('pending', 'on_hold') then
      new.sla_paused_at := new.created_at;
    end if;
    return new;
  end if;
  if new.status in ('pending', 'on_hold') and old.status not in ('pending', 'on_hold') then
    new.sla_paused_at := now();
  elsif new.status not in ('pending', 'on_hold') and old.sla_paused_at is not null then
    paused_for := now() - old.sla_paused_at;
    new.sla_paused_at := null;
    new.sla_paused_total := new.sla_paused_total + paused_for;
    if new.first_responded_at is null then
      new.first_response_due_at := new.first_response_due_at + paused_for;
    end if;
    new.resolution_due_at := new.resolution_due_at + paused_for;
  end if;
  return new;
end
$$;
create trigger c_sla before insert or update on helpdesk.tickets
  for each row execute function helpdesk.apply_sla();

-- Open tickets past a due time get their flag; returns how many rows changed. Paused tickets are not
-- late while paused (their due times move on resume).
create function helpdesk.mark_sla_breaches() returns int
language plpgsql security definer set search_path = '' as $$
declare
  n int;
  m int;
begin
  update helpdesk.tickets set first_response_breached = true
   where not first_response_breached and first_responded_at is null and sla_paused_at is null
     and first_response_due_at < now() and status not in ('resolved', 'closed');
  get diagnostics n = row_count;
  update helpdesk.tickets set resolution_breached = true
   where not resolution_breached and resolved_at is null and sla_paused_at is null
     and resolution_due_at < now() and status not in ('resolved', 'closed');
  get diagnostics m = row_count;
  return n + m;
end
$$;
revoke execute on function helpdesk.mark_sla_breaches() from public;
create index tickets_sla_open_idx on helpdesk.tickets (resolution_due_at)
  where status not in ('resolved', 'closed') and not resolution_breached;
create index tickets_first_response_open_idx on helpdesk.tickets (first_response_due_at)
  where first_responded_at is null and not first_response_breached;
