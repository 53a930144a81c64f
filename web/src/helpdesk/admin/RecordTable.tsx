import { Pencil, Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import {
  Button, ConfirmDialog, DataTable, Dialog, EmptyState, ErrorMessage, FormField, Input, Select, Textarea, toast, type Column,
} from '@/ui';
import { useRemove, useRows, useSave, type Option, type Row } from './queries';

export interface Field {
  name: string; label: string; type?: 'text' | 'email' | 'number' | 'textarea' | 'select' | 'date';
  options?: Option[]; required?: boolean; hint?: string; list?: boolean;
}

/**
 * A small reference table an admin keeps: the rows, an add/edit dialog built from `fields`, and delete
 * with confirmation. Values are sent as typed; empty optional fields become null.
 */
export function RecordTable({ table, title, singular, fields, order = 'name', select = '*', filter }: {
  table: string; title: string; singular: string; fields: Field[]; order?: string; select?: string;
  filter?: (row: Row) => boolean;
}) {
  const rows = useRows<Row>(table, select, order);
  const remove = useRemove(table);
  const [editing, setEditing] = useState<Row | null>(null);
  const [removing, setRemoving] = useState<Row | null>(null);
  const shown = fields.filter((f) => f.list !== false);
  const display = (f: Field, row: Row) => {
    const v = row[f.name];
    if (f.options) return f.options.find((o) => o.value === String(v))?.label ?? '';
    return v == null ? '' : String(v);
  };
  const columns: Column<Row>[] = [
    ...shown.map((f, i) => ({ id: f.name, header: f.label, cell: (r: Row) => <span className={i === 0 ? 'font-medium' : 'text-muted-foreground'}>{display(f, r)}</span>,
      className: i > 2 ? 'hidden lg:table-cell' : undefined })),
    { id: 'actions', header: 'Actions', cell: (r) => (
      <div className="flex gap-1" onClick={(e) => e.stopPropagation()}>
        <Button variant="ghost" size="icon" aria-label={`Edit ${display(fields[0], r)}`} onClick={() => setEditing(r)}><Pencil aria-hidden className="h-4 w-4" /></Button>
        <Button variant="ghost" size="icon" aria-label={`Delete ${display(fields[0], r)}`} onClick={() => setRemoving(r)}><Trash2 aria-hidden className="h-4 w-4" /></Button>
      </div>) },
  ];
  const data = (rows.data ?? []).filter(filter ?? (() => true));
  return (
    <section aria-label={title} className="grid gap-3">
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-lg font-semibold">{title}</h2>
        <Button size="sm" onClick={() => setEditing({})}><Plus aria-hidden className="h-4 w-4" />Add {singular}</Button>
      </div>
      {rows.error ? <ErrorMessage error={rows.error} retry={() => rows.refetch()} />
        : <DataTable label={title} columns={columns} rows={data} rowId={(r) => String(r.id)} loading={rows.isLoading}
            onOpen={setEditing} empty={<EmptyState title="Nothing here yet" description={`Add the first ${singular} with the button above.`} />} />}
      {editing && <RecordDialog table={table} singular={singular} fields={fields} row={editing} onClose={() => setEditing(null)} />}
      <ConfirmDialog open={!!removing} onOpenChange={(o) => !o && setRemoving(null)} destructive confirmLabel="Delete"
        title={`Delete ${removing ? display(fields[0], removing) : singular}?`} description="This cannot be undone."
        onConfirm={async () => { if (removing) { await remove.mutateAsync(String(removing.id)); toast.success(`${cap(singular)} deleted`); } }} />
    </section>
  );
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function RecordDialog({ table, singular, fields, row, onClose }: {
  table: string; singular: string; fields: Field[]; row: Row; onClose: () => void;
}) {
  const save = useSave(table);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, row[f.name] == null ? '' : String(row[f.name])])));
  const [errors, setErrors] = useState<Record<string, string>>({});
  async function submit() {
    const problems: Record<string, string> = {};
    const out: Row = {};
    for (const f of fields) {
      const raw = values[f.name].trim();
      if (f.required && !raw) problems[f.name] = `${f.label} is required`;
      else if (f.type === 'number' && raw && !/^\d+$/.test(raw)) problems[f.name] = `${f.label} must be a whole number`;
      out[f.name] = raw === '' ? null : f.type === 'number' ? Number(raw) : raw;
    }
    setErrors(problems);
    if (Object.keys(problems).length) return;
    await save.mutateAsync({ id: row.id ? String(row.id) : undefined, values: out });
    toast.success(`${cap(singular)} saved`);
    onClose();
  }
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={row.id ? `Edit ${singular}` : `Add ${singular}`}
      footer={<Button loading={save.isPending} onClick={submit}>Save</Button>}>
      <form className="grid gap-3" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        {fields.map((f) => (
          <FormField key={f.name} label={f.label} hint={f.hint} error={errors[f.name]}>
            {f.type === 'textarea' ? <Textarea rows={5} value={values[f.name]} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} />
              : f.type === 'select' ? <Select value={values[f.name]} onValueChange={(v) => setValues({ ...values, [f.name]: v })}
                  options={f.options ?? []} allowNone={f.required ? undefined : 'None'} />
              : <Input type={f.type === 'number' ? 'text' : f.type ?? 'text'} inputMode={f.type === 'number' ? 'numeric' : undefined}
                  value={values[f.name]} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} />}
          </FormField>
        ))}
        <button type="submit" className="hidden" aria-hidden tabIndex={-1} />
      </form>
    </Dialog>
  );
}
