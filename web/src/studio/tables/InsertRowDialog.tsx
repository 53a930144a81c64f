import { useState } from 'react';
import { Button, Dialog, ErrorMessage, FormField, Input, toast } from '@/ui';
import { rest } from '../api';
import type { MetaTable } from '../meta';
import { typedValue } from './rowQuery';

/** A form with one field per column (labelled by the column's name); empty fields take the default. */
export function InsertRowDialog({ table, open, onOpenChange, onInserted }: {
  table: MetaTable; open: boolean; onOpenChange: (open: boolean) => void; onInserted: () => void;
}) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fields = (table.columns ?? []).filter((c) => !c.is_generated && c.is_updatable);

  async function save() {
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, unknown> = {};
      for (const c of fields) if ((values[c.name] ?? '') !== '') body[c.name] = typedValue(values[c.name], c.format);
      await rest(table.schema, encodeURIComponent(table.name), { method: 'POST', body, headers: { prefer: 'return=minimal' } });
      toast.success('Row inserted');
      setValues({});
      onOpenChange(false);
      onInserted();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={`Insert a row into ${table.name}`}
      description="Leave a field empty to use the column's default (or NULL)."
      footer={<><Button variant="outline" onClick={() => onOpenChange(false)}>Cancel</Button><Button loading={busy} onClick={save}>Save row</Button></>}>
      {fields.map((c) => (
        <FormField key={c.name} label={c.name} hint={`${c.format}${c.default_value ? ` · default ${c.default_value}` : ''}${c.is_identity ? ' · identity' : ''}`}>
          <Input value={values[c.name] ?? ''} onChange={(e) => setValues({ ...values, [c.name]: e.target.value })} />
        </FormField>
      ))}
      {error != null && <ErrorMessage error={error} title="The row was not inserted" />}
    </Dialog>
  );
}
