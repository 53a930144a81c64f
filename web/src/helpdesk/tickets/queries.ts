// Data hooks of the ticket screens: lists, one ticket with its conversation, reference data, live updates.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { helpdesk, supabase } from '@/lib/supabase';
import { filterOps, LIST_COLUMNS, type Filters, type ListSort, type Op, type Priority, type Status, type TicketRow } from './model';

export const PAGE_SIZE = 25;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function apply(query: any, ops: Op[]): any {
  for (const [method, ...args] of ops) query = query[method](...args);
  return query;
}

/** One page of tickets for the filters; the previous page stays on screen while the next loads. */
// Timestamps are unique enough to page by alone, and ordering by them alone lets PostgreSQL walk their
// index and stop after one page; other columns get the id as a tie-breaker so paging is stable.
const TIMESTAMPS = new Set(['updated_at', 'created_at', 'resolution_due_at']);

/**
 * One page of tickets for the filters; the previous page stays on screen while the next loads. The
 * desk (tens of thousands of rows) asks for the planner's row estimate, not an exact count, which
 * would read every visible row on each page; a requester's own list is small and counted exactly.
 */
export function useTicketList(filters: Filters, sort: ListSort, page: number, me: string, count: 'exact' | 'planned' = 'planned') {
  return useQuery({
    queryKey: ['tickets', 'list', filters, sort, page, me, count],
    placeholderData: keepPreviousData,
    queryFn: async () => {
      let query = helpdesk().from('tickets').select(LIST_COLUMNS, { count });
      query = apply(query, filterOps(filters, me));
      query = query.order(sort.column, { ascending: sort.ascending, nullsFirst: false });
      if (!TIMESTAMPS.has(sort.column)) query = query.order('id', { ascending: true });
      const { data, error, count: total } = await query.range(page * PAGE_SIZE, page * PAGE_SIZE + PAGE_SIZE - 1);
      if (error) throw error;
      const rows = (data ?? []) as unknown as TicketRow[];
      // An estimate can undercount the page in hand; never show fewer than the rows already seen.
      const seen = page * PAGE_SIZE + rows.length + (rows.length === PAGE_SIZE ? 1 : 0);
      return { rows, total: total == null ? null : Math.max(total, seen), approximate: count === 'planned' };
    },
  });
}

export interface Ref { id: string; name: string }
export interface StaffMember { user_id: string; full_name: string | null; email: string | null; role: string }

/** Teams, categories, branches and staff for filters and the side panel (small tables, cached long). */
export function useReference() {
  return useQuery({
    queryKey: ['reference'],
    staleTime: 5 * 60_000,
    queryFn: async () => {
      const [teams, categories, branches, staff] = await Promise.all([
        helpdesk().from('teams').select('id, name').order('name'),
        helpdesk().from('ticket_categories').select('id, name').order('name'),
        helpdesk().from('branches').select('id, name').order('name'),
        helpdesk().from('members').select('user_id, full_name, email, role').in('role', ['agent', 'manager', 'admin'])
          .eq('active', true).order('full_name'),
      ]);
      for (const r of [teams, categories, branches, staff]) if (r.error) throw r.error;
      return {
        teams: (teams.data ?? []) as Ref[], categories: (categories.data ?? []) as Ref[],
        branches: (branches.data ?? []) as Ref[], staff: (staff.data ?? []) as StaffMember[],
      };
    },
  });
}

export type TicketChange = Partial<{ status: Status; priority: Priority; assignee_id: string | null; team_id: string | null; category: string | null }>;

/** Changes one or many tickets (bulk actions and the side panel); lists refresh afterwards. */
export function useUpdateTickets() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ ids, change }: { ids: string[]; change: TicketChange }) => {
      const { data, error } = await helpdesk().from('tickets').update(change).in('id', ids).select('id');
      if (error) throw error;
      if ((data ?? []).length < ids.length) throw new Error('Some tickets could not be changed: you may not have access to them');
      return data;
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['tickets'] }),
  });
}

/**
 * Refreshes the ticket queries when the database reports a change to a visible ticket (realtime
 * postgres_changes, filtered by RLS on the server), coalescing bursts into one refetch.
 */
export function useLiveTickets(channelName: string) {
  const client = useQueryClient();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      clearTimeout(timer);
      timer = setTimeout(() => client.invalidateQueries({ queryKey: ['tickets', 'list'] }), 250);
    };
    const channel = supabase().channel(channelName)
      .on('postgres_changes', { event: '*', schema: 'helpdesk', table: 'tickets' }, refresh)
      .subscribe();
    return () => { clearTimeout(timer); supabase().removeChannel(channel); };
  }, [client, channelName]);
}
