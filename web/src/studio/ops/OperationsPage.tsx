import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Download, ExternalLink } from 'lucide-react';
import { Badge, Button, Card, CardContent, CardHeader, CardTitle, DataTable, ErrorMessage, PageHeader, toast, type Column } from '@/ui';
import { api } from '../api';
import { useSession } from '../session';

interface Health { status: string; parts: Record<string, string>; down?: string[]; workers?: Record<string, number> }
interface Backup { name: string; taken_at: string | null; bytes?: number; objects?: number; postgres_version?: string; error?: string }
interface Glance { services: Record<string, { requests: number; server_errors: number; mean_ms: number | null }>; rate_limited: number; db_pools: Record<string, Record<string, number>> }

/** Health of every part, backups (list, run now, download), metrics at a glance, the mail catcher. */
export default function OperationsPage() {
  const { settings } = useSession();
  const client = useQueryClient();
  const health = useQuery({ queryKey: ['ops', 'health'], queryFn: () => api<Health>('/ops/health'), refetchInterval: 10_000 });
  const metrics = useQuery({ queryKey: ['ops', 'metrics'], queryFn: () => api<Glance>('/ops/metrics'), refetchInterval: 10_000 });
  const backups = useQuery({ queryKey: ['ops', 'backups'], queryFn: () => api<{ backups: Backup[]; enabled: boolean; dir: string }>('/ops/backups') });
  const run = useMutation({
    mutationFn: () => api<{ name: string }>('/ops/backups', { method: 'POST' }),
    onSuccess: async (answer) => { toast.success(`Backup ${answer.name} written`); await client.invalidateQueries({ queryKey: ['ops', 'backups'] }); },
  });

  const backupColumns: Column<Backup>[] = [
    { id: 'name', header: 'Backup', cell: (b) => <span className="font-mono text-xs">{b.name}</span> },
    { id: 'taken', header: 'Taken', cell: (b) => (b.taken_at ? new Date(b.taken_at).toLocaleString() : '') },
    { id: 'size', header: 'Size', cell: (b) => (b.bytes != null ? `${(b.bytes / 1024 / 1024).toFixed(1)} MB` : b.error ?? '') },
    { id: 'objects', header: 'Objects', cell: (b) => b.objects ?? '' },
    { id: 'download', header: 'Download', cell: (b) => (
      <Button asChild variant="ghost" size="icon"><a href={`/studio/api/ops/backups/${encodeURIComponent(b.name)}/download`} aria-label={`Download ${b.name}`}><Download aria-hidden className="h-4 w-4" /></a></Button>
    ) },
  ];
  const services = Object.entries(metrics.data?.services ?? {}).map(([name, m]) => ({ name, ...m }));

  return (
    <div className="grid gap-4">
      <PageHeader title="Operations" actions={settings.mail_url ? (
        <Button asChild variant="outline"><a href={settings.mail_url} target="_blank" rel="noreferrer"><ExternalLink aria-hidden className="h-4 w-4" />Mail catcher</a></Button>
      ) : undefined} />
      <Card>
        <CardHeader><CardTitle>Health {health.data && <Badge tone={health.data.status === 'healthy' ? 'green' : 'red'}>{health.data.status}</Badge>}</CardTitle></CardHeader>
        <CardContent>
          {health.error && <ErrorMessage error={health.error} />}
          <ul className="grid grid-cols-2 gap-2 sm:grid-cols-4">
            {Object.entries(health.data?.parts ?? {}).map(([part, state]) => (
              <li key={part} className="flex items-center justify-between rounded-md border border-border px-3 py-2 text-sm">
                <span>{part}</span><Badge tone={state === 'up' ? 'green' : 'red'} title={state}>{state === 'up' ? 'up' : 'down'}</Badge>
              </li>
            ))}
          </ul>
        </CardContent>
      </Card>
      <Card>
        <CardHeader className="flex flex-row items-center justify-between"><CardTitle>Backups</CardTitle>
          <Button loading={run.isPending} onClick={() => run.mutate()}>Run backup now</Button></CardHeader>
        <CardContent className="grid gap-2">
          <p className="text-xs text-muted-foreground">Folder {backups.data?.dir} · daily schedule {backups.data?.enabled ? 'on' : 'off'}</p>
          {backups.error && <ErrorMessage error={backups.error} />}
          <DataTable label="Backups" columns={backupColumns} rows={backups.data?.backups ?? []} rowId={(b) => b.name}
            empty={<p className="p-4 text-sm text-muted-foreground">No backups yet.</p>} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader><CardTitle>Metrics at a glance</CardTitle></CardHeader>
        <CardContent className="grid gap-2">
          <DataTable label="Requests by service" rows={services} rowId={(s) => s.name} columns={[
            { id: 'name', header: 'Service', cell: (s) => s.name },
            { id: 'requests', header: 'Requests', cell: (s) => s.requests.toLocaleString() },
            { id: 'errors', header: '5xx', cell: (s) => s.server_errors },
            { id: 'mean', header: 'Mean ms', cell: (s) => s.mean_ms ?? '' },
          ]} />
          <p className="text-sm text-muted-foreground">Rate-limited requests: {metrics.data?.rate_limited ?? 0} ·
            database pools: {Object.entries(metrics.data?.db_pools ?? {}).map(([pool, s]) => `${pool} ${s.in_use ?? 0}/${s.max ?? 0} in use`).join(', ')}</p>
        </CardContent>
      </Card>
    </div>
  );
}
