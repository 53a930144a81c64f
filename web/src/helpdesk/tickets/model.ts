// The ticket vocabulary of the UI and the pure logic behind lists (filters → query, SLA countdowns),
// kept free of React and supabase-js so unit tests cover it directly.
import type { BadgeTone } from '@/ui';

export const STATUSES = ['new', 'open', 'pending', 'on_hold', 'resolved', 'closed'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Status = (typeof STATUSES)[number];
export type Priority = (typeof PRIORITIES)[number];
export const OPEN_STATUSES: Status[] = ['new', 'open', 'pending', 'on_hold'];

export const STATUS_LABEL: Record<Status, string> = {
  new: 'New', open: 'Open', pending: 'Pending', on_hold: 'On hold', resolved: 'Resolved', closed: 'Closed',
};
export const STATUS_TONE: Record<Status, BadgeTone> = {
  new: 'blue', open: 'purple', pending: 'amber', on_hold: 'neutral', resolved: 'green', closed: 'outline',
};
export const PRIORITY_LABEL: Record<Priority, string> = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' };
export const PRIORITY_TONE: Record<Priority, BadgeTone> = { low: 'neutral', normal: 'blue', high: 'amber', urgent: 'red' };

export interface PersonRef { full_name: string | null; email: string | null }
export interface TicketRow {
  id: string; number: string; title: string; status: Status; priority: Priority; category: string | null;
  created_at: string; updated_at: string; assignee_id: string | null; requester_id: string | null; team_id: string | null;
  first_response_due_at: string | null; resolution_due_at: string | null; first_responded_at: string | null;
  resolved_at: string | null; sla_paused_at: string | null;
  first_response_breached: boolean; resolution_breached: boolean;
  requester: PersonRef | null; assignee: PersonRef | null;
}

export const LIST_COLUMNS = 'id, number, title, status, priority, category, created_at, updated_at, assignee_id, ' +
  'requester_id, team_id, first_response_due_at, resolution_due_at, first_responded_at, resolved_at, sla_paused_at, ' +
  'first_response_breached, resolution_breached, requester:members!tickets_requester_id_fkey(full_name, email), ' +
  'assignee:members!tickets_assignee_id_fkey(full_name, email)';

export const VIEWS = [
  { id: 'mine', label: 'My open' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'open', label: 'All open' },
  { id: 'breaching', label: 'Breaching SLA' },
  { id: 'recent', label: 'Recently updated' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'] | 'requested';

export interface Filters {
  view: ViewId;
  status: Status[];
  priority: Priority[];
  assignee: string; // '' any, 'me', 'none', or a member id
  team: string;
  branch: string;
  category: string;
  createdFrom: string; createdTo: string; // yyyy-mm-dd, inclusive
  updatedFrom: string; updatedTo: string;
  q: string;
}
export const EMPTY_FILTERS: Filters = {
  view: 'open', status: [], priority: [], assignee: '', team: '', branch: '', category: '',
  createdFrom: '', createdTo: '', updatedFrom: '', updatedTo: '', q: '',
};

export type SortColumn = 'number' | 'title' | 'status' | 'priority' | 'updated_at' | 'created_at' | 'resolution_due_at';
export interface ListSort { column: SortColumn; ascending: boolean }

/** One PostgREST filter call, as data: [method, ...arguments] on the supabase-js query builder. */
export type Op =
  | ['eq' | 'neq' | 'gte' | 'lt', string, string]
  | ['in', string, string[]]
  | ['is', string, null]
  | ['or', string]
  | ['textSearch', string, string, { type: 'websearch'; config: string }];

const nextDay = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

/**
 * The filters of a list as query operations. `me` is the caller's user id (for "My open" and
 * assignee=me); `now` makes "Breaching SLA" (already breached, or resolution due within the hour)
 * testable. RLS still decides which rows exist at all.
 */
export function filterOps(f: Filters, me: string, now: Date = new Date()): Op[] {
  const ops: Op[] = [];
  switch (f.view) {
    case 'mine': ops.push(['eq', 'assignee_id', me], ['in', 'status', OPEN_STATUSES]); break;
    case 'unassigned': ops.push(['is', 'assignee_id', null], ['in', 'status', OPEN_STATUSES]); break;
    case 'open': ops.push(['in', 'status', OPEN_STATUSES]); break;
    case 'breaching': {
      const soon = new Date(now.getTime() + 3600_000).toISOString();
      ops.push(['in', 'status', OPEN_STATUSES],
        ['or', `first_response_breached.is.true,resolution_breached.is.true,resolution_due_at.lt."${soon}"`]);
      break;
    }
    case 'requested': ops.push(['eq', 'requester_id', me]); break;
    case 'recent': break;
  }
  if (f.status.length) ops.push(['in', 'status', f.status]);
  if (f.priority.length) ops.push(['in', 'priority', f.priority]);
  if (f.assignee === 'me') ops.push(['eq', 'assignee_id', me]);
  else if (f.assignee === 'none') ops.push(['is', 'assignee_id', null]);
  else if (f.assignee) ops.push(['eq', 'assignee_id', f.assignee]);
  if (f.team) ops.push(['eq', 'team_id', f.team]);
  if (f.branch) ops.push(['eq', 'branch_id', f.branch]);
  if (f.category) ops.push(['eq', 'category', f.category]);
  if (f.createdFrom) ops.push(['gte', 'created_at', f.createdFrom]);
  if (f.createdTo) ops.push(['lt', 'created_at', nextDay(f.createdTo)]);
  if (f.updatedFrom) ops.push(['gte', 'updated_at', f.updatedFrom]);
  if (f.updatedTo) ops.push(['lt', 'updated_at', nextDay(f.updatedTo)]);
  const q = f.q.trim();
  if (/^hd-\d+$/i.test(q)) ops.push(['eq', 'number', q.toUpperCase()]);
  else if (q) ops.push(['textSearch', 'search', q, { type: 'websearch', config: 'english' }]);
  return ops;
}

/** The default order of a view: the most urgent deadline first for SLA work, else the latest change. */
export function defaultSort(view: ViewId): ListSort {
  return view === 'breaching' ? { column: 'resolution_due_at', ascending: true } : { column: 'updated_at', ascending: false };
}

// Filters live in the URL (?view=mine&status=open,pending&q=...), so a view can be bookmarked and shared.
const LIST_KEYS = ['status', 'priority'] as const;
const TEXT_KEYS = ['assignee', 'team', 'branch', 'category', 'createdFrom', 'createdTo', 'updatedFrom', 'updatedTo', 'q'] as const;

export function filtersFromParams(params: URLSearchParams, fallbackView: ViewId): Filters {
  const f: Filters = { ...EMPTY_FILTERS, view: fallbackView };
  const view = params.get('view');
  if (view && (VIEWS.some((v) => v.id === view) || view === 'requested')) f.view = view as ViewId;
  f.status = (params.get('status') ?? '').split(',').filter((s): s is Status => (STATUSES as readonly string[]).includes(s));
  f.priority = (params.get('priority') ?? '').split(',').filter((s): s is Priority => (PRIORITIES as readonly string[]).includes(s));
  for (const key of TEXT_KEYS) f[key] = params.get(key) ?? '';
  return f;
}

export function paramsFromFilters(f: Filters): URLSearchParams {
  const p = new URLSearchParams();
  p.set('view', f.view);
  for (const key of LIST_KEYS) if (f[key].length) p.set(key, f[key].join(','));
  for (const key of TEXT_KEYS) if (f[key]) p.set(key, f[key]);
  return p;
}

export interface Countdown { label: string; tone: BadgeTone; overdue: boolean }

/**
 * What an SLA clock shows: time left (or overdue by) until `due`, frozen when the ticket is paused,
 * and "met" once the goal was reached (`doneAt`). Minutes under an hour, hours under two days, else days.
 */
export function slaCountdown(due: string | null, doneAt: string | null, pausedAt: string | null, now: Date = new Date()): Countdown | null {
  if (!due) return null;
  const dueAt = new Date(due).getTime();
  if (doneAt) {
    const met = new Date(doneAt).getTime() <= dueAt;
    return { label: met ? 'Met' : 'Missed', tone: met ? 'green' : 'red', overdue: !met };
  }
  const reference = pausedAt ? new Date(pausedAt).getTime() : now.getTime();
  const left = dueAt - reference;
  const text = duration(Math.abs(left));
  if (pausedAt) return { label: `Paused, ${text} left`, tone: 'neutral', overdue: false };
  if (left < 0) return { label: `${text} overdue`, tone: 'red', overdue: true };
  return { label: `${text} left`, tone: left < 3600_000 ? 'amber' : 'green', overdue: false };
}

export function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export function relativeTime(iso: string, now: Date = new Date()): string {
  const seconds = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 86400), 'day');
}

export const personName = (p: PersonRef | null | undefined) => p?.full_name || p?.email || '—';
