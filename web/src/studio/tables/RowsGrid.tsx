import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Plus, Trash2, X } from 'lucide-react';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Badge, Button, ConfirmDialog, DataTable, ErrorMessage, FormField, Input, Select, toast, type Column, type Sort } from '@/ui';
import { describeError } from '@/lib/errors';
import { rest, restPage } from '../api';
import type { MetaColumn, MetaTable } from '../meta';
import { InsertRowDialog } from './InsertRowDialog';
import { keyFilter, OPERATORS, parseFilter, rowsQuery, shown, typedValue, type Filter } from './rowQuery';

type Row = Record<string, unknown>;
const PAGE_SIZE = 50;

/** The rows of a table through the REST API: exact count, sort, filter and page on the server. */
export function RowsGrid({ table }: { table: MetaTable }) {
  const [params, setParams] = useSearchParams();
  const [filters, setFilters] = useState<Filter[]>(() => parseFilter(params.get('filter')));
  const [sort, setSort] = useState<Sort | undefined>();
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [inserting, setInserting] = useState(false);
  const [draft, setDraft] = useState<Filter>({ column: table.columns?.[0]?.name ?? '', op: 'eq', value: '' });
  const client = useQueryClient();
  const keys = table.primary_keys.map((k) => k.name);
  const cols = table.columns ?? [];

  const rows = useQuery({
    queryKey: ['rows', table.schema, table.name, filters, sort, page],
    queryFn: () => restPage<Row>(table.schema, table.name, rowsQuery(filters, sort, page, PAGE_SIZE)),
    placeholderData: keepPreviousData,
  });
  const rowId = (row: Row) => (keys.length ? keys.map((k) => String(row[k])).join('|') : JSON.stringify(row));
  const refresh = () => Promise.all([client.invalidateQueries({ queryKey: ['rows', table.schema, table.name] }),
    client.invalidateQueries({ queryKey: ['pg', 'row-counts', table.schema] })]);

  async function saveCell(row: Row, column: MetaColumn, text: string) {
    try {
      await rest(table.schema, `${encodeURIComponent(table.name)}?${keyFilter(keys, row)}`,
        { method: 'PATCH', body: { [column.name]: typedValue(text, column.format) } });
      await refresh();
    } catch (error) {
      toast.error(`Could not save ${column.name}`, describeError(error));
    }
  }

  async function deleteSelected() {
    const doomed = (rows.data?.rows ?? []).filter((r) => selected.has(rowId(r)));
    for (const row of doomed) {
      await rest(table.schema, `${encodeURIComponent(table.name)}?${keyFilter(keys, row)}`, { method: 'DELETE' });
    }
    setSelected(new Set());
    toast.success(`Deleted ${doomed.length} row(s)`);
    await refresh();
  }

  const columns: Column<Row>[] = cols.map((c) => ({
    id: c.name, header: c.name, sortable: true,
    cell: (row) => <Cell table={table} column={c} row={row} editable={keys.length > 0 && c.is_updatable && !c.is_generated}
      onSave={(text) => saveCell(row, c, text)} />,
  }));

  function addFilter() {
    if (!draft.column) return;
    setFilters([...filters, draft]);
    setDraft({ ...draft, value: '' });
    setPage(0);
  }

  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap items-end gap-2">
        <div className="w-40"><FormField label="Filter column"><Select value={draft.column} onValueChange={(column) => setDraft({ ...draft, column })}
          options={cols.map((c) => ({ value: c.name, label: c.name }))} /></FormField></div>
        <div className="w-28"><FormField label="Operator"><Select value={draft.op} onValueChange={(op) => setDraft({ ...draft, op })} options={OPERATORS} /></FormField></div>
        <div className="w-48"><FormField label="Filter value"><Input value={draft.value} onChange={(e) => setDraft({ ...draft, value: e.target.value })}
          onKeyDown={(e) => { if (e.key === 'Enter') addFilter(); }} /></FormField></div>
        <Button variant="outline" onClick={addFilter}>Apply filter</Button>
        <div className="ml-auto flex gap-2">
          <Button onClick={() => setInserting(true)}><Plus aria-hidden className="h-4 w-4" />Insert row</Button>
          <ConfirmDialog title={`Delete ${selected.size} row(s)?`} destructive confirmLabel="Delete"
            description="The selected rows are deleted from the table. This cannot be undone." onConfirm={deleteSelected}
            trigger={<Button variant="outline" disabled={selected.size === 0}><Trash2 aria-hidden className="h-4 w-4" />Delete selected</Button>} />
        </div>
      </div>
      {filters.length > 0 && (
        <div className="flex flex-wrap gap-2">
          {filters.map((f, i) => (
            <Badge key={i} tone="blue" className="gap-1">
              {f.column} {f.op} {f.value}
              <button type="button" aria-label={`Remove filter on ${f.column}`} onClick={() => { setFilters(filters.filter((_, j) => j !== i)); setPage(0); if (params.get('filter')) { params.delete('filter'); setParams(params); } }}>
                <X aria-hidden className="h-3 w-3" />
              </button>
            </Badge>
          ))}
        </div>
      )}
      {rows.error && <ErrorMessage error={rows.error} retry={() => void rows.refetch()} />}
      {keys.length === 0 && <p className="text-sm text-muted-foreground">This table has no primary key: rows can be read and inserted, not edited or deleted here.</p>}
      <DataTable label={`Rows of ${table.name}`} columns={columns} rows={rows.data?.rows ?? []} rowId={rowId} loading={rows.isFetching}
        sort={sort} onSortChange={(s) => { setSort(s); setPage(0); }}
        selected={keys.length ? selected : undefined} onSelectedChange={keys.length ? setSelected : undefined}
        page={page} pageSize={PAGE_SIZE} total={rows.data?.total ?? null} onPageChange={setPage} />
      <InsertRowDialog table={table} open={inserting} onOpenChange={setInserting} onInserted={() => void refresh()} />
    </div>
  );
}

function Cell({ table, column, row, editable, onSave }: {
  table: MetaTable; column: MetaColumn; row: Row; editable: boolean; onSave: (text: string) => Promise<void>;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const [, setParams] = useSearchParams();
  const value = row[column.name];
  const fk = table.relationships.find((r) => r.source_schema === table.schema && r.source_table_name === table.name
    && r.source_column_name === column.name);
  if (editing !== null) {
    return (
      <Input autoFocus aria-label={`Edit ${column.name}`} className="h-7 min-w-[8rem]" value={editing}
        onChange={(e) => setEditing(e.target.value)}
        onKeyDown={async (e) => {
          if (e.key === 'Enter') { await onSave(editing); setEditing(null); }
          if (e.key === 'Escape') setEditing(null);
        }}
        onBlur={() => setEditing(null)} />
    );
  }
  const text = shown(value);
  return (
    <span className="flex items-center gap-1">
      <button type="button" disabled={!editable} title={editable ? 'Double-click to edit' : undefined}
        aria-label={`${column.name}: ${text}`}
        className={`max-w-[24rem] truncate text-left ${value === null ? 'text-muted-foreground' : ''}`}
        onDoubleClick={() => setEditing(value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value))}>
        {text}
      </button>
      {fk && value !== null && (
        <button type="button" className="text-xs text-primary underline" aria-label={`Open ${fk.target_table_name} row ${text}`}
          onClick={() => setParams({ schema: fk.target_table_schema, table: fk.target_table_name, filter: `${fk.target_column_name}.eq.${text}` })}>→</button>
      )}
    </span>
  );
}
