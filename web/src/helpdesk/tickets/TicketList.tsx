import { Plus, UserCheck } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useUser } from '@/lib/auth';
import { Button, DataTable, EmptyState, ErrorMessage, PageHeader, Select, Tabs, TabsList, TabsTrigger, toast, type Column } from '@/ui';
import { isStaff, useMe } from '../role';
import {
  defaultSort, filtersFromParams, paramsFromFilters, personName, PRIORITIES, PRIORITY_LABEL, relativeTime, STATUSES,
  STATUS_LABEL, VIEWS, type Filters, type ListSort, type Priority, type SortColumn, type Status, type TicketRow,
} from './model';
import { FilterBar } from './FilterBar';
import { PAGE_SIZE, useLiveTickets, useReference, useTicketList, useUpdateTickets, type TicketChange } from './queries';
import { PriorityBadge, SlaBadge, StatusBadge } from './TicketBadges';

/**
 * The agent desk's list (and, with `requester`, the portal's "My tickets"): saved views, filters in the
 * URL, server-side sort and paging, bulk actions, live refresh when tickets change.
 */
export default function TicketList({ requester = false }: { requester?: boolean }) {
  const user = useUser();
  const me = useMe();
  const staff = !requester && !!me.data && isStaff(me.data.role);
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params, requester ? 'requested' : 'open'), [params, requester]);
  const [sort, setSort] = useState<ListSort | null>(null);
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const effectiveSort = sort ?? defaultSort(filters.view);
  const list = useTicketList(requester ? { ...filters, view: 'requested' } : filters, effectiveSort, page, user.id,
    requester ? 'exact' : 'planned');
  const reference = useReference();
  const update = useUpdateTickets();
  useLiveTickets(requester ? 'tickets-mine' : 'tickets-desk');

  function setFilters(next: Filters) {
    setParams(paramsFromFilters(next), { replace: true });
    setPage(0);
    setSelected(new Set());
  }
  async function bulk(change: TicketChange, what: string) {
    const ids = [...selected];
    await update.mutateAsync({ ids, change });
    toast.success(`${what}: ${ids.length} ticket${ids.length === 1 ? '' : 's'}`);
    setSelected(new Set());
  }

  const base = requester ? '/my-tickets' : '/tickets';
  const columns: Column<TicketRow>[] = [
    { id: 'number', header: 'Number', sortable: true, className: 'whitespace-nowrap font-mono text-xs',
      cell: (t) => <Link to={`${base}/${t.id}`} className="hover:underline">{t.number}</Link> },
    { id: 'title', header: 'Title', sortable: true, cell: (t) => (
      <div className="min-w-[12rem]">
        <Link to={`${base}/${t.id}`} className="font-medium hover:underline">{t.title}</Link>
        {!requester && <div className="text-xs text-muted-foreground">{personName(t.requester)}</div>}
      </div>) },
    { id: 'status', header: 'Status', sortable: true, cell: (t) => <StatusBadge status={t.status} /> },
    { id: 'priority', header: 'Priority', sortable: true, cell: (t) => <PriorityBadge priority={t.priority} /> },
    ...(requester ? [] : [{ id: 'assignee', header: 'Assignee', className: 'hidden md:table-cell',
      cell: (t: TicketRow) => t.assignee ? personName(t.assignee) : <span className="text-muted-foreground">Unassigned</span> }]),
    ...(requester ? [] : [{ id: 'resolution_due_at', header: 'SLA', sortable: true, className: 'hidden lg:table-cell',
      cell: (t: TicketRow) => <SlaBadge ticket={t} /> }]),
    { id: 'updated_at', header: 'Updated', sortable: true, className: 'hidden sm:table-cell whitespace-nowrap text-muted-foreground',
      cell: (t) => <time dateTime={t.updated_at} title={new Date(t.updated_at).toLocaleString()}>{relativeTime(t.updated_at)}</time> },
  ];

  return (
    <div>
      <PageHeader title={requester ? 'My tickets' : 'Tickets'}
        actions={<Button asChild><Link to="/new"><Plus aria-hidden className="h-4 w-4" />New ticket</Link></Button>} />
      {!requester && (
        <Tabs value={filters.view} onValueChange={(v) => { setSort(null); setFilters({ ...filters, view: v as Filters['view'] }); }}>
          <TabsList aria-label="Saved views" className="mb-3 flex w-full flex-wrap justify-start sm:w-auto">
            {VIEWS.map((v) => <TabsTrigger key={v.id} value={v.id}>{v.label}</TabsTrigger>)}
          </TabsList>
        </Tabs>
      )}
      <FilterBar filters={filters} onChange={setFilters} reference={reference.data} staff={staff} />
      {staff && selected.size > 0 && (
        <div role="toolbar" aria-label="Bulk actions" className="mb-3 flex flex-wrap items-center gap-2 rounded-md border border-border bg-muted/50 p-2 text-sm">
          <span className="font-medium">{selected.size} selected</span>
          <Button size="sm" variant="outline" loading={update.isPending} onClick={() => bulk({ assignee_id: user.id }, 'Assigned to you')}>
            <UserCheck aria-hidden className="h-4 w-4" />Assign to me
          </Button>
          <div className="w-40"><Select aria-label="Set status" placeholder="Set status…" value=""
            options={STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] }))}
            onValueChange={(v) => bulk({ status: v as Status }, `Status set to ${STATUS_LABEL[v as Status]}`)} /></div>
          <div className="w-40"><Select aria-label="Set priority" placeholder="Set priority…" value=""
            options={PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABEL[p] }))}
            onValueChange={(v) => bulk({ priority: v as Priority }, `Priority set to ${PRIORITY_LABEL[v as Priority]}`)} /></div>
          {(reference.data?.staff.length ?? 0) > 0 && (
            <div className="w-44"><Select aria-label="Assign to" placeholder="Assign to…" value=""
              options={(reference.data?.staff ?? []).map((m) => ({ value: m.user_id, label: m.full_name || m.email || m.user_id }))}
              onValueChange={(v) => bulk({ assignee_id: v }, 'Assigned')} /></div>
          )}
          <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>Clear selection</Button>
        </div>
      )}
      {list.error ? <ErrorMessage error={list.error} retry={() => list.refetch()} title="Could not load the tickets" /> : (
        <DataTable label={requester ? 'My tickets' : 'Tickets'} columns={columns} rows={list.data?.rows ?? []} rowId={(t) => t.id}
          loading={list.isPending || (list.isFetching && list.isPlaceholderData)}
          sort={effectiveSort} onSortChange={(s) => { setSort({ column: s.column as SortColumn, ascending: s.ascending }); setPage(0); }}
          selected={staff ? selected : undefined} onSelectedChange={staff ? setSelected : undefined}
          onOpen={(t) => navigate(`${base}/${t.id}`)}
          page={page} pageSize={PAGE_SIZE} total={list.data?.total ?? null} totalApproximate={list.data?.approximate} onPageChange={setPage}
          empty={<EmptyState title="No tickets here" description={requester ? 'Tickets you open appear here.' : 'Nothing matches this view and these filters.'}
            action={requester ? <Button asChild size="sm"><Link to="/new">New ticket</Link></Button> : undefined} />} />
      )}
    </div>
  );
}

export function MyTickets() { return <TicketList requester />; }
