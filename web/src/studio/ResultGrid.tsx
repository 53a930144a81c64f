import { DataTable, type Column } from '@/ui';
import { shown } from './tables/rowQuery';

type Row = Record<string, unknown>;

/** Any rows as a read-only grid: the columns are the first row's keys. */
export function ResultGrid({ rows, label }: { rows: Row[]; label: string }) {
  const names = rows.length ? Object.keys(rows[0]) : [];
  const columns: Column<Row>[] = names.map((name) => ({
    id: name, header: name,
    cell: (row) => <span className={`font-mono text-xs ${row[name] === null ? 'text-muted-foreground' : ''}`}>{shown(row[name])}</span>,
  }));
  return <DataTable label={label} columns={columns} rows={rows} rowId={(row) => String(rows.indexOf(row))} />;
}
