import { useQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { helpdesk } from '@/lib/supabase';
import { Card, CardContent, CardHeader, CardTitle, ErrorMessage, PageHeader, Skeleton } from '@/ui';
import { PRIORITY_LABEL, STATUS_LABEL, type Priority, type Status } from '../tickets/model';

interface Stats {
  by_status: Partial<Record<Status, number>>; by_priority: Partial<Record<Priority, number>>;
  per_day: { day: string; created: number; resolved: number }[];
  breaches: { first_response: number; resolution: number; open_breached: number };
  agent_load: { assignee_id: string; full_name: string | null; open: number }[];
}
const COLORS = ['#3b82f6', '#8b5cf6', '#f59e0b', '#64748b', '#22c55e', '#94a3b8'];
const PRIORITY_COLORS: Record<Priority, string> = { low: '#94a3b8', normal: '#3b82f6', high: '#f59e0b', urgent: '#ef4444' };

/** The desk at a glance (helpdesk.dashboard_stats, over what the caller may see): charts, not tables. */
export default function Dashboard() {
  const stats = useQuery({
    queryKey: ['dashboard', 30],
    queryFn: async () => {
      const { data, error } = await helpdesk().rpc('dashboard_stats', { days: 30 });
      if (error) throw error;
      return data as Stats;
    },
  });
  if (stats.error) return <ErrorMessage error={stats.error} retry={() => stats.refetch()} title="Could not load the dashboard" />;
  const s = stats.data;
  const byStatus = s ? (Object.keys(STATUS_LABEL) as Status[]).map((k) => ({ name: STATUS_LABEL[k], value: s.by_status[k] ?? 0 })).filter((x) => x.value) : [];
  const byPriority = s ? (Object.keys(PRIORITY_LABEL) as Priority[]).map((k) => ({ key: k, name: PRIORITY_LABEL[k], value: s.by_priority[k] ?? 0 })) : [];
  const open = s ? (['new', 'open', 'pending', 'on_hold'] as Status[]).reduce((n, k) => n + (s.by_status[k] ?? 0), 0) : 0;
  return (
    <div>
      <PageHeader title="Dashboard" />
      <div className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat label="Open tickets" value={open} loading={!s} />
        <Stat label="Open and breaching SLA" value={s?.breaches.open_breached} loading={!s} alert />
        <Stat label="First responses missed (30 days)" value={s?.breaches.first_response} loading={!s} />
        <Stat label="Resolutions missed (30 days)" value={s?.breaches.resolution} loading={!s} />
      </div>
      <div className="grid gap-3 lg:grid-cols-2">
        <ChartCard title="Created and resolved per day" loading={!s}>
          <LineChart data={s?.per_day ?? []}>
            <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
            <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} fontSize={12} />
            <YAxis allowDecimals={false} fontSize={12} />
            <Tooltip /><Legend />
            <Line isAnimationActive={false} type="monotone" dataKey="created" name="Created" stroke="#3b82f6" dot={false} strokeWidth={2} />
            <Line isAnimationActive={false} type="monotone" dataKey="resolved" name="Resolved" stroke="#22c55e" dot={false} strokeWidth={2} />
          </LineChart>
        </ChartCard>
        <ChartCard title="Tickets by status" loading={!s}>
          <PieChart>
            <Pie isAnimationActive={false} data={byStatus} dataKey="value" nameKey="name" innerRadius={50} outerRadius={90} label>
              {byStatus.map((_, i) => <Cell key={i} fill={COLORS[i % COLORS.length]} />)}
            </Pie>
            <Tooltip /><Legend />
          </PieChart>
        </ChartCard>
        <ChartCard title="Open tickets by priority" loading={!s}>
          <BarChart data={byPriority}>
            <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
            <XAxis dataKey="name" fontSize={12} /><YAxis allowDecimals={false} fontSize={12} /><Tooltip />
            <Bar isAnimationActive={false} dataKey="value" name="Open tickets">{byPriority.map((p) => <Cell key={p.key} fill={PRIORITY_COLORS[p.key]} />)}</Bar>
          </BarChart>
        </ChartCard>
        <ChartCard title="Agent load (open tickets)" loading={!s}>
          <BarChart data={(s?.agent_load ?? []).map((a) => ({ name: a.full_name ?? 'Unnamed', open: a.open }))} layout="vertical">
            <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
            <XAxis type="number" allowDecimals={false} fontSize={12} /><YAxis type="category" dataKey="name" width={110} fontSize={12} /><Tooltip />
            <Bar isAnimationActive={false} dataKey="open" name="Open tickets" fill="#8b5cf6" />
          </BarChart>
        </ChartCard>
      </div>
    </div>
  );
}

function Stat({ label, value, loading, alert }: { label: string; value?: number; loading: boolean; alert?: boolean }) {
  return (
    <Card className="p-4">
      <p className="text-xs text-muted-foreground">{label}</p>
      {loading ? <Skeleton className="mt-2 h-7 w-16" /> : <p className={`mt-1 text-2xl font-semibold ${alert && value ? 'text-destructive' : ''}`}>{value ?? 0}</p>}
    </Card>
  );
}

function ChartCard({ title, loading, children }: { title: string; loading: boolean; children: React.ReactElement }) {
  return (
    <Card>
      <CardHeader><CardTitle>{title}</CardTitle></CardHeader>
      <CardContent className="h-64">
        {loading ? <Skeleton className="h-full w-full" /> : <ResponsiveContainer width="100%" height="100%">{children}</ResponsiveContainer>}
      </CardContent>
    </Card>
  );
}
