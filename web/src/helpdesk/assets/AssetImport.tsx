import { FileUp } from 'lucide-react';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { parseCsvRecords } from '@/lib/csv';
import { Badge, Button, Card, ErrorMessage, FormField, Input, PageHeader, toast } from '@/ui';
import { CSV_COLUMNS, STATUS_LABEL, validateImport, type ImportRow } from './model';
import { fetchLookup, importAssets } from './queries';

/**
 * CSV import in two steps: choose a file → a preview with every row's errors; "Import" inserts only
 * the valid rows (in one statement: all of them or none), "Cancel" writes nothing.
 */
export default function AssetImport() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const [rows, setRows] = useState<ImportRow[] | null>(null);
  const [fileName, setFileName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function read(file: File | undefined) {
    setError(null); setRows(null);
    if (!file) return;
    setFileName(file.name);
    try {
      const { headers, records } = parseCsvRecords(await file.text());
      if (!headers.includes('tag') || !headers.includes('name')) throw new Error('The first line must name the columns, with at least "tag" and "name"');
      const lookup = await fetchLookup(records.map((r) => r.tag).filter(Boolean));
      setRows(validateImport(records, lookup));
    } catch (e) { setError(e); }
  }
  const good = rows?.filter((r) => r.values) ?? [];
  const bad = rows?.filter((r) => !r.values) ?? [];
  async function commit() {
    setBusy(true);
    try {
      const n = await importAssets(good.map((r) => r.values!));
      client.invalidateQueries({ queryKey: ['assets'] });
      toast.success(`Imported ${n} asset${n === 1 ? '' : 's'}`, bad.length ? `${bad.length} row${bad.length === 1 ? '' : 's'} with errors skipped` : undefined);
      navigate('/inventory');
    } catch (e) { setError(e); } finally { setBusy(false); }
  }
  return (
    <div className="mx-auto grid max-w-5xl gap-4">
      <PageHeader title="Import assets" />
      <Card className="grid gap-3 p-4 sm:p-6">
        <p className="text-sm text-muted-foreground">
          A CSV file whose first line names the columns: {CSV_COLUMNS.join(', ')}. Other columns become custom fields.
          Branch is a branch's name or code; assigned_to a member's email; dates are YYYY-MM-DD.
        </p>
        <FormField label="CSV file" hint={fileName || undefined}>
          <Input type="file" accept=".csv,text/csv" onChange={(e) => read(e.target.files?.[0])} />
        </FormField>
        {error != null && <ErrorMessage title="Could not import" error={error} />}
      </Card>
      {rows && (
        <Card className="grid gap-3 p-4 sm:p-6">
          <p className="text-sm" role="status">
            <Badge tone="green">{good.length} ready</Badge>{' '}
            {bad.length > 0 && <Badge tone="red">{bad.length} with errors (not imported)</Badge>}
          </p>
          <div className="overflow-x-auto rounded-md border border-border">
            <table className="w-full text-sm" aria-label="Import preview">
              <thead className="bg-muted/50 text-left"><tr>
                <th className="p-2">Line</th><th className="p-2">Tag</th><th className="p-2">Name</th><th className="p-2">Status</th><th className="p-2">Result</th>
              </tr></thead>
              <tbody>{rows.map((r) => (
                <tr key={r.line} className={r.values ? '' : 'bg-destructive/10'}>
                  <td className="p-2">{r.line}</td><td className="p-2">{r.source.tag}</td><td className="p-2">{r.source.name}</td>
                  <td className="p-2">{r.values ? STATUS_LABEL[r.values.status] : r.source.status}</td>
                  <td className="p-2">{r.values ? 'OK' : <span className="text-destructive">{r.errors.join('; ')}</span>}</td>
                </tr>))}
              </tbody>
            </table>
          </div>
          <div className="flex justify-end gap-2">
            <Button variant="outline" onClick={() => navigate('/inventory')}>Cancel</Button>
            <Button loading={busy} disabled={good.length === 0} onClick={commit}>
              <FileUp aria-hidden className="h-4 w-4" />Import {good.length} asset{good.length === 1 ? '' : 's'}</Button>
          </div>
        </Card>
      )}
    </div>
  );
}
