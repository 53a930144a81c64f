import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { helpdesk } from '@/lib/supabase';
import { DataTable, ErrorMessage, FormField, Input, type Column } from '@/ui';

interface Entry { id: number; actor_id: string | null; action: string; entity: string | null; entity_id: string | null; details: unknown; created_at: string }
const PAGE = 50;

/** Who did what, newest first, filtered by action, entity, actor and dates (admins only, by RLS). */
export default function Audit() {
  const [f, setF] = useState({ action: '', entity: '', actor: '', from: '', to: '' });
  const [page, setPage] = useState(0);
  const names = useQuery({
    queryKey: ['admin', 'members', 'names'],
    queryFn: async () => {
      const { data, error } = await helpdesk().from('members').select('user_id, full_name, email');
      if (error) throw error;
      return (data ?? []) as { user_id: string; full_name: string | null; email: string | null }[];
    },
  });
  const entries = useQuery({
    queryKey: ['admin', 'audit_log', f, page, names.data?.length],
    queryFn: async () => {
      let q = helpdesk().from('audit_log').select('id, actor_id, action, entity, entity_id, details, created_at', { count: 'exact' })
        .order('created_at', { ascending: false }).range(page * PAGE, page * PAGE + PAGE - 1);
      if (f.action) q = q.ilike('action', `%${f.action}%`);
      if (f.entity) q = q.ilike('entity', `%${f.entity}%`);
      if (f.from) q = q.gte('created_at', new Date(`${f.from}T00:00:00`).toISOString());
      if (f.to) q = q.lt('created_at', new Date(new Date(`${f.to}T00:00:00`).getTime() + 86_400_000).toISOString());
      if (f.actor) {
        const ids = (names.data ?? []).filter((m) => `${m.full_name ?? ''} ${m.email ?? ''}`.toLowerCase().includes(f.actor.toLowerCase())).map((m) => m.user_id);
        q = q.in('actor_id', ids.length ? ids : ['00000000-0000-0000-0000-000000000000']);
      }
      const { data, error, count } = await q;
      if (error) throw error;
      return { rows: (data ?? []) as Entry[], total: count ?? 0 };
    },
  });
  const who = (id: string | null) => { const m = names.data?.find((x) => x.user_id === id); return id ? (m?.full_name || m?.email || id.slice(0, 8)) : 'System'; };
  const set = (k: keyof typeof f) => ({ value: f[k], onChange: (e: { target: { value: string } }) => { setF({ ...f, [k]: e.target.value }); setPage(0); } });
  const columns: Column<Entry>[] = [
    { id: 'when', header: 'When', cell: (e) => <span className="whitespace-nowrap">{new Date(e.created_at).toLocaleString()}</span> },
    { id: 'actor', header: 'Who', cell: (e) => who(e.actor_id) },
    { id: 'action', header: 'Action', cell: (e) => <span className="font-mono text-xs">{e.action}</span> },
    { id: 'entity', header: 'On', cell: (e) => <span className="text-muted-foreground">{e.entity} {e.entity_id?.slice(0, 8)}</span>, className: 'hidden md:table-cell' },
    { id: 'details', header: 'Details', cell: (e) => <code className="text-xs">{JSON.stringify(e.details)}</code>, className: 'hidden lg:table-cell' },
  ];
  return (
    <section aria-label="Audit history" className="grid gap-3">
      <h2 className="text-lg font-semibold">Audit history</h2>
      <div className="grid gap-3 sm:grid-cols-3 lg:grid-cols-5">
        <FormField label="Action"><Input {...set('action')} placeholder="e.g. credential.reveal" /></FormField>
        <FormField label="Entity"><Input {...set('entity')} placeholder="e.g. members" /></FormField>
        <FormField label="Who"><Input {...set('actor')} placeholder="Name or email" /></FormField>
        <FormField label="From"><Input type="date" {...set('from')} /></FormField>
        <FormField label="To"><Input type="date" {...set('to')} /></FormField>
      </div>
      {entries.error ? <ErrorMessage error={entries.error} retry={() => entries.refetch()} />
        : <DataTable label="Audit entries" columns={columns} rows={entries.data?.rows ?? []} rowId={(e) => String(e.id)} loading={entries.isLoading}
            page={page} pageSize={PAGE} total={entries.data?.total ?? null} onPageChange={setPage} />}
    </section>
  );
}
