import { Download, Plus, Printer, Upload } from 'lucide-react';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { downloadText, toCsv } from '@/lib/csv';
import { Badge, Button, DataTable, EmptyState, ErrorMessage, PageHeader, toast, type Column, type Sort } from '@/ui';
import { isStaff, useMe } from '../role';
import { AssetFilterBar } from './AssetFilters';
import { CSV_COLUMNS, daysUntil, STATUS_LABEL, STATUS_TONE } from './model';
import { fetchAllAssets, memberName, PAGE_SIZE, useAssetReference, useAssets, type AssetFilters, type AssetRow } from './queries';

const KEYS: (keyof AssetFilters)[] = ['q', 'type', 'status', 'branch', 'assignee', 'warrantyDays'];

/** The inventory: filters and search in the URL, paging on the server, selection → labels, CSV in and out. */
export default function AssetList() {
  const navigate = useNavigate();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(KEYS.map((k) => [k, params.get(k) ?? ''])) as unknown as AssetFilters;
  const page = Number(params.get('page') ?? 0);
  const [sort, setSort] = useState<Sort>({ column: 'tag', ascending: true });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [exporting, setExporting] = useState(false);
  const reference = useAssetReference();
  const list = useAssets(filters, page, sort);
  const worker = me.data && isStaff(me.data.role);

  function change(patch: Partial<AssetFilters> & { page?: number }) {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) { if (v === '' || v == null || v === 0) next.delete(k); else next.set(k, String(v)); }
    if (!('page' in patch)) next.delete('page');
    setParams(next, { replace: true });
  }
  async function exportCsv() {
    setExporting(true);
    try {
      const rows = await fetchAllAssets(filters);
      const customKeys = [...new Set(rows.flatMap((r) => Object.keys(r.custom ?? {})))].sort();
      const text = toCsv([...CSV_COLUMNS, ...customKeys], rows.map((r) => [
        r.tag, r.name, r.type, r.manufacturer, r.model, r.serial, r.status, r.branch?.name, r.assignee?.email,
        r.purchase_date, r.purchase_cost, r.warranty_expires_on, r.notes, ...customKeys.map((k) => r.custom?.[k]),
      ]));
      downloadText(`assets-${new Date().toISOString().slice(0, 10)}.csv`, text);
    } catch (e) { toast.error('Could not export the assets', String((e as Error).message ?? e)); }
    finally { setExporting(false); }
  }
  const columns: Column<AssetRow>[] = [
    { id: 'tag', header: 'Tag', sortable: true, cell: (r) => <Link className="font-medium underline-offset-2 hover:underline" to={`/inventory/${encodeURIComponent(r.tag)}`}>{r.tag}</Link> },
    { id: 'name', header: 'Name', sortable: true, cell: (r) => r.name },
    { id: 'type', header: 'Type', sortable: true, cell: (r) => r.type ?? '—' },
    { id: 'status', header: 'Status', sortable: true, cell: (r) => <Badge tone={STATUS_TONE[r.status]}>{STATUS_LABEL[r.status]}</Badge> },
    { id: 'branch_id', header: 'Branch', cell: (r) => r.branch?.name ?? '—' },
    { id: 'assigned_to', header: 'Assigned to', cell: (r) => memberName(r.assignee) },
    { id: 'warranty_expires_on', header: 'Warranty', sortable: true, cell: (r) => <Warranty date={r.warranty_expires_on} /> },
  ];
  return (
    <div className="grid gap-4">
      <PageHeader title="Assets" actions={<>
        {selected.size > 0 && <Button variant="outline" onClick={() => navigate(`/inventory/labels?ids=${[...selected].join(',')}`)}>
          <Printer aria-hidden className="h-4 w-4" />Print labels ({selected.size})</Button>}
        <Button variant="outline" loading={exporting} onClick={exportCsv}><Download aria-hidden className="h-4 w-4" />Export CSV</Button>
        {worker && <Button variant="outline" onClick={() => navigate('/inventory/import')}><Upload aria-hidden className="h-4 w-4" />Import CSV</Button>}
        {worker && <Button onClick={() => navigate('/inventory/new')}><Plus aria-hidden className="h-4 w-4" />New asset</Button>}
      </>} />
      <AssetFilterBar filters={filters} reference={reference.data} onChange={change} />
      {list.error ? <ErrorMessage error={list.error} retry={() => list.refetch()} /> : (
        <DataTable label="Assets" columns={columns} rows={list.data?.rows ?? []} rowId={(r) => r.id} loading={list.isLoading}
          sort={sort} onSortChange={setSort} selected={selected} onSelectedChange={setSelected}
          onOpen={(r) => navigate(`/inventory/${encodeURIComponent(r.tag)}`)}
          page={page} pageSize={PAGE_SIZE} total={list.data?.total ?? null} onPageChange={(p) => change({ page: p })}
          empty={<EmptyState title="No assets" description="No asset matches these filters. Add one or import a CSV." />} />
      )}
    </div>
  );
}

/** The warranty date, red when expired and amber within 30 days. */
export function Warranty({ date }: { date: string | null }) {
  const days = daysUntil(date);
  if (days == null) return <span className="text-muted-foreground">—</span>;
  if (days < 0) return <Badge tone="red">Expired {date}</Badge>;
  if (days <= 30) return <Badge tone="amber">{date} ({days} d)</Badge>;
  return <span>{date}</span>;
}
