import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Badge, Button, Checkbox, DataTable, ErrorMessage, FormField, Input, Label, PageHeader, Select, type Column } from '@/ui';
import { api } from '../api';

interface Entry { ts: string; level?: string; msg?: string; service?: string; method?: string; path?: string; status?: number; duration_ms?: number; user_id?: string | null; role?: string | null; request_id?: string }
const SERVICES = ['gateway', 'rest', 'auth', 'storage', 'realtime', 'meta', 'studio'].map((s) => ({ value: s, label: s }));

/** The JSON request logs, newest first, filtered on the server; "Live tail" polls for new lines. */
export default function LogsPage() {
  const [service, setService] = useState('');
  const [status, setStatus] = useState('');
  const [path, setPath] = useState('');
  const [user, setUser] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [live, setLive] = useState(false);
  const [applied, setApplied] = useState<Record<string, string>>({});

  const query = new URLSearchParams(Object.entries(applied).filter(([, v]) => v));
  const logs = useQuery({
    queryKey: ['logs', query.toString()],
    queryFn: () => api<{ entries: Entry[] }>(`/logs?${query.toString()}&limit=300`),
    refetchInterval: live ? 2000 : false,
  });
  useEffect(() => { if (live) void logs.refetch(); }, [live]); // eslint-disable-line react-hooks/exhaustive-deps

  const iso = (local: string) => (local ? new Date(local).toISOString() : '');
  const apply = () => setApplied({ service, status, path, user, since: iso(since), until: iso(until) });
  const columns: Column<Entry>[] = [
    { id: 'ts', header: 'Time', cell: (e) => <span className="whitespace-nowrap font-mono text-xs">{e.ts}</span> },
    { id: 'service', header: 'Service', cell: (e) => e.service ?? '' },
    { id: 'status', header: 'Status', cell: (e) => e.status != null && <Badge tone={e.status >= 500 ? 'red' : e.status >= 400 ? 'amber' : 'green'}>{e.status}</Badge> },
    { id: 'request', header: 'Request', cell: (e) => <span className="font-mono text-xs">{e.method ?? ''} {e.path ?? e.msg}</span> },
    { id: 'ms', header: 'ms', cell: (e) => e.duration_ms ?? '' },
    { id: 'user', header: 'User / role', cell: (e) => <span className="text-xs">{e.user_id ?? e.role ?? ''}</span> },
  ];
  return (
    <div className="grid gap-4">
      <PageHeader title="Logs" />
      <form className="flex flex-wrap items-end gap-2" onSubmit={(e) => { e.preventDefault(); apply(); }}>
        <div className="w-36"><FormField label="Service"><Select value={service} onValueChange={setService} options={SERVICES} allowNone="Any service" /></FormField></div>
        <div className="w-28"><FormField label="Status"><Input value={status} placeholder="404 or 5xx" onChange={(e) => setStatus(e.target.value)} /></FormField></div>
        <div className="w-48"><FormField label="Path contains"><Input value={path} onChange={(e) => setPath(e.target.value)} /></FormField></div>
        <div className="w-48"><FormField label="User id"><Input value={user} onChange={(e) => setUser(e.target.value)} /></FormField></div>
        <div className="w-52"><FormField label="From"><Input type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} /></FormField></div>
        <div className="w-52"><FormField label="To"><Input type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} /></FormField></div>
        <Button type="submit">Apply filters</Button>
        <div className="flex items-center gap-2 pb-2">
          <Checkbox id="live-tail" checked={live} onCheckedChange={(v) => setLive(v === true)} />
          <Label htmlFor="live-tail">Live tail</Label>
        </div>
      </form>
      {logs.error && <ErrorMessage error={logs.error} />}
      <DataTable label="Log entries" columns={columns} rows={logs.data?.entries ?? []} rowId={(e) => `${e.ts}-${e.request_id ?? ''}-${e.msg ?? ''}`}
        loading={logs.isLoading} empty={<p className="p-4 text-sm text-muted-foreground">No log lines match.</p>} />
    </div>
  );
}
