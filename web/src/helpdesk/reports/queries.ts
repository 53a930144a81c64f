// Report data from helpdesk.report_tickets / report_sla / report_assets (0090_reports.sql), all
// security invoker: each person's numbers cover what RLS lets them see.
import { useQuery } from '@tanstack/react-query';
import { helpdesk } from '@/lib/supabase';

export type Dimension = 'category' | 'branch' | 'agent';
export type Period = 'day' | 'week' | 'month';
export interface Range { from: string; to: string }
export interface TicketRow { period_start: string; key: string; label: string; created: number; resolved: number }
export interface SlaRow {
  priority: string; tickets: number; first_response_met: number; first_response_breached: number;
  resolution_met: number; resolution_breached: number;
}
export interface AssetRow { status: string; type: string; assets: number }

export function useTicketReport(range: Range, dimension: Dimension, period: Period) {
  return useQuery({
    queryKey: ['reports', 'tickets', range, dimension, period],
    queryFn: async () => {
      const { data, error } = await helpdesk().rpc('report_tickets', { date_from: range.from, date_to: range.to, dimension, period });
      if (error) throw error;
      return ((data ?? []) as TicketRow[]).map((r) => ({ ...r, created: Number(r.created), resolved: Number(r.resolved) }));
    },
  });
}

export function useSlaReport(range: Range) {
  return useQuery({
    queryKey: ['reports', 'sla', range],
    queryFn: async () => {
      const { data, error } = await helpdesk().rpc('report_sla', { date_from: range.from, date_to: range.to });
      if (error) throw error;
      return (data ?? []) as SlaRow[];
    },
  });
}

export function useAssetReport() {
  return useQuery({
    queryKey: ['reports', 'assets'],
    queryFn: async () => {
      const { data, error } = await helpdesk().rpc('report_assets');
      if (error) throw error;
      return ((data ?? []) as AssetRow[]).map((r) => ({ ...r, assets: Number(r.assets) }));
    },
  });
}

/** Percent met of those decided (met + breached); null when nothing is decided yet. */
export function compliance(met: number, breached: number): number | null {
  const decided = Number(met) + Number(breached);
  return decided ? Math.round((Number(met) / decided) * 1000) / 10 : null;
}

/** Every period start (as PostgreSQL's date_trunc gives it: weeks on Monday) from `from` to `to`, 'YYYY-MM-DD'. */
export function periodStarts(from: string, to: string, period: Period): string[] {
  const out: string[] = [];
  const d = new Date(`${from}T00:00:00Z`);
  if (period === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (period === 'month') d.setUTCDate(1);
  const end = new Date(`${to}T00:00:00Z`);
  while (d <= end && out.length < 4000) {
    out.push(d.toISOString().slice(0, 10));
    if (period === 'day') d.setUTCDate(d.getUTCDate() + 1);
    else if (period === 'week') d.setUTCDate(d.getUTCDate() + 7);
    else d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
}

/**
 * Pivots rows into one object per period (every period of `starts`, empty ones as zero) with a numeric
 * field per key: the top `limit` keys, the rest summed as "Other".
 */
export function pivot(rows: TicketRow[], field: 'created' | 'resolved', starts: string[] = [], limit = 6) {
  const totals = new Map<string, { label: string; n: number }>();
  for (const r of rows) {
    const t = totals.get(r.key) ?? { label: r.label, n: 0 };
    t.n += r[field];
    totals.set(r.key, t);
  }
  const top = [...totals.entries()].sort((a, b) => b[1].n - a[1].n).slice(0, limit).map(([k]) => k);
  const keep = new Set(top);
  const series = top.map((k) => ({ key: k, label: totals.get(k)!.label }));
  const hasOther = totals.size > top.length;
  if (hasOther) series.push({ key: '__other__', label: 'Other' });
  const byPeriod = new Map<string, Record<string, number | string>>();
  for (const p of starts) byPeriod.set(p, Object.fromEntries([['period', p], ...series.map((x) => [x.key, 0])]));
  for (const r of rows) {
    const p = byPeriod.get(r.period_start) ?? { period: r.period_start };
    const k = keep.has(r.key) ? r.key : '__other__';
    p[k] = Number(p[k] ?? 0) + r[field];
    byPeriod.set(r.period_start, p);
  }
  return { series, data: [...byPeriod.values()].sort((a, b) => String(a.period).localeCompare(String(b.period))) };
}
