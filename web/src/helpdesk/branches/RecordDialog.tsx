import { useState, type FormEvent } from 'react';
import { Button, Dialog, ErrorMessage, FormField, Input, Select, Textarea } from '@/ui';

export interface FieldSpec {
  name: string; label: string; type?: 'text' | 'date' | 'number' | 'email' | 'textarea' | 'select';
  required?: boolean; options?: { value: string; label: string }[];
}

/**
 * A small form in a dialog for a flat record (branch, device, internet link): text in, empty → null,
 * numbers as numbers; the database's answer (RLS, constraints, bad IP) shows as a readable error.
 */
export function RecordDialog({ title, fields, initial, open, onOpenChange, onSave, error, saving }: {
  title: string; fields: FieldSpec[]; initial: Record<string, unknown>; open: boolean;
  onOpenChange: (o: boolean) => void; onSave: (values: Record<string, unknown>) => void; error: unknown; saving: boolean;
}) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.name, initial[f.name] == null ? '' : String(initial[f.name])])));
  const [missing, setMissing] = useState<string[]>([]);
  const set = (k: string, v: string) => setValues((old) => ({ ...old, [k]: v }));
  function submit(e: FormEvent) {
    e.preventDefault();
    const gaps = fields.filter((f) => f.required && !values[f.name]?.trim()).map((f) => f.name);
    setMissing(gaps);
    if (gaps.length) return;
    onSave(Object.fromEntries(fields.map((f) => {
      const v = values[f.name]?.trim() ?? '';
      return [f.name, v === '' ? null : f.type === 'number' ? Number(v) : v];
    })));
  }
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={title} className="max-w-2xl">
      <form className="grid gap-3" onSubmit={submit} noValidate>
        <div className="grid gap-3 sm:grid-cols-2">
          {fields.map((f) => (
            <div key={f.name} className={f.type === 'textarea' ? 'sm:col-span-2' : undefined}>
              <FormField label={f.label} error={missing.includes(f.name) ? `${f.label} is required` : undefined}>
                {f.type === 'textarea' ? <Textarea rows={2} value={values[f.name]} onChange={(e) => set(f.name, e.target.value)} />
                  : f.type === 'select' ? <Select value={values[f.name]} onValueChange={(v) => set(f.name, v)} options={f.options ?? []} />
                  : <Input type={f.type ?? 'text'} value={values[f.name]} onChange={(e) => set(f.name, e.target.value)} />}
              </FormField>
            </div>))}
        </div>
        {error != null && <ErrorMessage title="Could not save" error={error} />}
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" loading={saving}>Save</Button>
        </div>
      </form>
    </Dialog>
  );
}
