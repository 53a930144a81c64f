import { Download } from 'lucide-react';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import {
  Button, Card, CardContent, CardHeader, CardTitle, DataTable, EmptyState, ErrorMessage, FormField, Input, PageHeader, Select, Skeleton,
  type Column,
} from '@/ui';
import { downloadCsv } from './csv';
import {
  compliance, periodStarts, pivot, useAssetReport, useSlaReport, useTicketReport, type AssetRow, type Dimension, type Period, type SlaRow,
} from './queries';

const COLORS = ['#3b82f6', '#8b5cf6', '#f59e0b', '#22c55e', '#ef4444', '#14b8a6', '#94a3b8'];
const DIMENSIONS = [{ value: 'category', label: 'Category' }, { value: 'branch', label: 'Branch' }, { value: 'agent', label: 'Agent' }];
const PERIODS = [{ value: 'day', label: 'Day' }, { value: 'week', label: 'Week' }, { value: 'month', label: 'Month' }];
const PRESETS: [string, number][] = [['Last 7 days', 7], ['Last 30 days', 30], ['Last 90 days', 90], ['Last 365 days', 365]];
const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const daysAgo = (n: number) => iso(new Date(Date.now() - (n - 1) * 86_400_000));

/** Tickets over time by category, branch or agent; SLA compliance; assets by status — each with CSV. */
export default function Reports() {
  const [params, setParams] = useSearchParams();
  const from = params.get('from') ?? daysAgo(30);
  const to = params.get('to') ?? iso(new Date());
  const dimension = (params.get('by') ?? 'category') as Dimension;
  const period = (params.get('period') ?? 'day') as Period;
  const set = (change: Record<string, string>) => setParams({ from, to, by: dimension, period, ...change }, { replace: true });
  const range = { from, to };
  const badRange = !from || !to || to < from;
  return (
    <div>
      <PageHeader title="Reports" />
      <Card className="mb-4 grid gap-3 p-4 sm:grid-cols-2 lg:grid-cols-[10rem_10rem_1fr]">
        <FormField label="From" error={badRange ? 'Pick a start on or before the end' : undefined}>
          <Input type="date" value={from} max={to} onChange={(e) => e.target.value && set({ from: e.target.value })} /></FormField>
        <FormField label="To"><Input type="date" value={to} min={from} onChange={(e) => e.target.value && set({ to: e.target.value })} /></FormField>
        <div className="flex flex-wrap items-end gap-2">
          {PRESETS.map(([label, n]) => (
            <Button key={n} size="sm" variant={from === daysAgo(n) && to === iso(new Date()) ? 'secondary' : 'outline'}
              onClick={() => set({ from: daysAgo(n), to: iso(new Date()) })}>{label}</Button>
          ))}
        </div>
      </Card>
      {!badRange && (
        <div className="grid gap-4">
          <TicketsSection range={range} dimension={dimension} period={period} set={set} />
          <div className="grid gap-4 xl:grid-cols-2">
            <SlaSection range={range} />
            <AssetsSection />
          </div>
        </div>
      )}
    </div>
  );
}

function Section({ title, onExport, children, controls }: { title: string; onExport?: () => void; children: ReactNode; controls?: ReactNode }) {
  return (
    <Card>
      <CardHeader className="flex flex-row flex-wrap items-end justify-between gap-2">
        <CardTitle className="text-base">{title}</CardTitle>
        <div className="flex flex-wrap items-end gap-2">
          {controls}
          {onExport && <Button size="sm" variant="outline" onClick={onExport} aria-label={`Export ${title} as CSV`}><Download aria-hidden className="h-4 w-4" />CSV</Button>}
        </div>
      </CardHeader>
      <CardContent>{children}</CardContent>
    </Card>
  );
}

function TicketsSection({ range, dimension, period, set }: {
  range: { from: string; to: string }; dimension: Dimension; period: Period; set: (c: Record<string, string>) => void;
}) {
  const report = useTicketReport(range, dimension, period);
  const rows = report.data ?? [];
  const created = pivot(rows, 'created', periodStarts(range.from, range.to, period));
  const totals = [...rows.reduce((m, r) => {
    const t = m.get(r.key) ?? { key: r.key, label: r.label, created: 0, resolved: 0 };
    t.created += r.created; t.resolved += r.resolved; m.set(r.key, t); return m;
  }, new Map<string, { key: string; label: string; created: number; resolved: number }>()).values()].sort((a, b) => b.created - a.created);
  const name = DIMENSIONS.find((d) => d.value === dimension)!.label;
  const columns: Column<typeof totals[number]>[] = [
    { id: 'label', header: name, cell: (t) => <span className="font-medium">{t.label}</span> },
    { id: 'created', header: 'Created', cell: (t) => t.created }, { id: 'resolved', header: 'Resolved', cell: (t) => t.resolved },
  ];
  return (
    <Section title={`Tickets by ${name.toLowerCase()}`}
      onExport={() => downloadCsv(`tickets-by-${dimension}-${range.from}-${range.to}.csv`, ['period_start', dimension, 'created', 'resolved'],
        rows.map((r) => [r.period_start, r.label, r.created, r.resolved]))}
      controls={<>
        <div className="w-36"><FormField label="Group by"><Select value={dimension} onValueChange={(v) => set({ by: v })} options={DIMENSIONS} /></FormField></div>
        <div className="w-28"><FormField label="Per"><Select value={period} onValueChange={(v) => set({ period: v })} options={PERIODS} /></FormField></div>
      </>}>
      {report.error ? <ErrorMessage error={report.error} retry={() => report.refetch()} /> : report.isLoading ? <Skeleton className="h-72" /> : (
        <div className="grid gap-4 lg:grid-cols-[1fr_20rem]">
          <div className="h-72" role="img" aria-label={`Tickets created per ${period} by ${name.toLowerCase()}`}>
            <ResponsiveContainer>
              <BarChart data={created.data}>
                <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
                <XAxis dataKey="period" fontSize={12} tickFormatter={(d: string) => (period === 'month' ? d.slice(0, 7) : d.slice(5))} />
                <YAxis allowDecimals={false} fontSize={12} /><Tooltip /><Legend />
                {created.series.map((s, i) => <Bar isAnimationActive={false} key={s.key} dataKey={s.key} name={s.label} stackId="a" fill={COLORS[i % COLORS.length]} />)}
              </BarChart>
            </ResponsiveContainer>
          </div>
          <DataTable label={`Ticket totals by ${name.toLowerCase()}`} columns={columns} rows={totals} rowId={(t) => t.key || '-'}
            empty={<EmptyState title="No tickets were created or resolved in this range." />} />
        </div>
      )}
    </Section>
  );
}

function SlaSection({ range }: { range: { from: string; to: string } }) {
  const report = useSlaReport(range);
  const rows = report.data ?? [];
  const pct = (v: number | null) => (v == null ? '—' : `${v}%`);
  const columns: Column<SlaRow>[] = [
    { id: 'priority', header: 'Priority', cell: (r) => <span className="font-medium capitalize">{r.priority}</span> },
    { id: 'tickets', header: 'Tickets', cell: (r) => r.tickets },
    { id: 'fr', header: 'First response met', cell: (r) => pct(compliance(r.first_response_met, r.first_response_breached)) },
    { id: 'res', header: 'Resolution met', cell: (r) => pct(compliance(r.resolution_met, r.resolution_breached)) },
  ];
  const chart = rows.map((r) => ({ priority: r.priority, 'First response': compliance(r.first_response_met, r.first_response_breached) ?? 0,
    Resolution: compliance(r.resolution_met, r.resolution_breached) ?? 0 }));
  return (
    <Section title="SLA compliance" onExport={() => downloadCsv(`sla-${range.from}-${range.to}.csv`,
      ['priority', 'tickets', 'first_response_met', 'first_response_breached', 'resolution_met', 'resolution_breached'],
      rows.map((r) => [r.priority, r.tickets, r.first_response_met, r.first_response_breached, r.resolution_met, r.resolution_breached]))}>
      {report.error ? <ErrorMessage error={report.error} /> : report.isLoading ? <Skeleton className="h-56" /> : (
        <div className="grid gap-3">
          <div className="h-48" role="img" aria-label="SLA compliance by priority">
            <ResponsiveContainer>
              <BarChart data={chart}><CartesianGrid strokeDasharray="3 3" opacity={0.3} />
                <XAxis dataKey="priority" fontSize={12} /><YAxis domain={[0, 100]} unit="%" fontSize={12} /><Tooltip /><Legend />
                <Bar isAnimationActive={false} dataKey="First response" fill="#3b82f6" /><Bar isAnimationActive={false} dataKey="Resolution" fill="#22c55e" />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <DataTable label="SLA compliance" columns={columns} rows={rows} rowId={(r) => r.priority}
            empty={<EmptyState title="No tickets with an SLA were created in this range." />} />
        </div>
      )}
    </Section>
  );
}

const STATUS_LABEL: Record<string, string> = { in_stock: 'In stock', deployed: 'Deployed', in_repair: 'In repair', retired: 'Retired', lost: 'Lost' };

function AssetsSection() {
  const report = useAssetReport();
  const rows = report.data ?? [];
  const byStatus = Object.keys(STATUS_LABEL).map((s) => ({ status: s, name: STATUS_LABEL[s], assets: rows.filter((r) => r.status === s).reduce((n, r) => n + r.assets, 0) }));
  const columns: Column<AssetRow>[] = [
    { id: 'status', header: 'Status', cell: (r) => STATUS_LABEL[r.status] ?? r.status },
    { id: 'type', header: 'Type', cell: (r) => r.type || '—' }, { id: 'assets', header: 'Assets', cell: (r) => r.assets },
  ];
  return (
    <Section title="Assets by status" onExport={() => downloadCsv('assets-by-status.csv', ['status', 'type', 'assets'], rows.map((r) => [r.status, r.type, r.assets]))}>
      {report.error ? <ErrorMessage error={report.error} /> : report.isLoading ? <Skeleton className="h-56" /> : (
        <div className="grid gap-3">
          <div className="h-48" role="img" aria-label="Assets by status">
            <ResponsiveContainer>
              <BarChart data={byStatus}><CartesianGrid strokeDasharray="3 3" opacity={0.3} />
                <XAxis dataKey="name" fontSize={12} /><YAxis allowDecimals={false} fontSize={12} /><Tooltip />
                <Bar isAnimationActive={false} dataKey="assets" name="Assets" fill="#8b5cf6" />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <DataTable label="Assets by status and type" columns={columns} rows={rows} rowId={(r) => `${r.status}/${r.type}`}
            empty={<EmptyState title="No assets are recorded yet." />} />
        </div>
      )}
    </Section>
  );
}
