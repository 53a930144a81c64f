import { Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Button, Checkbox, Dialog, FormField, Input, Label, Select } from '@/ui';
import { COLUMN_TYPES, createTableSql, type ColumnSpec } from '../sql';
import { SqlPreview } from '../SqlPreview';

const FIRST: ColumnSpec = { name: 'id', type: 'bigint', nullable: false, defaultValue: '', primaryKey: true };
const TYPE_OPTIONS = COLUMN_TYPES.map((t) => ({ value: t, label: t }));

/** A new table: its name and columns; "Review SQL" shows the create statement before it runs. */
export function CreateTableDialog({ schema, open, onOpenChange, onCreated }: {
  schema: string; open: boolean; onOpenChange: (open: boolean) => void; onCreated: (name: string) => void;
}) {
  const [name, setName] = useState('');
  const [rls, setRls] = useState(true);
  const [columns, setColumns] = useState<ColumnSpec[]>([FIRST]);
  const [preview, setPreview] = useState(false);

  const update = (index: number, change: Partial<ColumnSpec>) =>
    setColumns(columns.map((c, i) => (i === index ? { ...c, ...change } : c)));
  const valid = name.trim() !== '' && columns.length > 0 && columns.every((c) => c.name.trim() && c.type.trim());

  return (
    <>
      <Dialog open={open && !preview} onOpenChange={onOpenChange} title={`New table in ${schema}`} className="max-w-3xl"
        footer={<><Button variant="outline" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button disabled={!valid} onClick={() => setPreview(true)}>Review SQL</Button></>}>
        <FormField label="Table name"><Input value={name} onChange={(e) => setName(e.target.value)} /></FormField>
        <fieldset className="grid gap-2">
          <legend className="mb-1 text-sm font-medium">Columns</legend>
          {columns.map((column, index) => (
            <div key={index} className="grid grid-cols-2 items-end gap-2 rounded-md border border-border p-2 sm:grid-cols-[1fr_10rem_1fr_auto_auto_auto]">
              <FormField label={`Column ${index + 1} name`}><Input value={column.name} onChange={(e) => update(index, { name: e.target.value })} /></FormField>
              <FormField label={`Column ${index + 1} type`}>
                <Select value={column.type} onValueChange={(type) => update(index, { type })} options={TYPE_OPTIONS} />
              </FormField>
              <FormField label={`Column ${index + 1} default`}><Input value={column.defaultValue} placeholder="e.g. now()" onChange={(e) => update(index, { defaultValue: e.target.value })} /></FormField>
              <div className="flex items-center gap-1.5 pb-2">
                <Checkbox id={`pk-${index}`} checked={column.primaryKey} onCheckedChange={(v) => update(index, { primaryKey: v === true })} />
                <Label htmlFor={`pk-${index}`}>Primary key</Label>
              </div>
              <div className="flex items-center gap-1.5 pb-2">
                <Checkbox id={`null-${index}`} checked={column.nullable} onCheckedChange={(v) => update(index, { nullable: v === true })} />
                <Label htmlFor={`null-${index}`}>Nullable</Label>
              </div>
              <Button variant="ghost" size="icon" aria-label={`Remove column ${index + 1}`} disabled={columns.length === 1}
                onClick={() => setColumns(columns.filter((_, i) => i !== index))}><Trash2 aria-hidden className="h-4 w-4" /></Button>
            </div>
          ))}
          <Button variant="outline" size="sm" className="justify-self-start"
            onClick={() => setColumns([...columns, { name: '', type: 'text', nullable: true, defaultValue: '', primaryKey: false }])}>
            <Plus aria-hidden className="h-4 w-4" />Add column
          </Button>
        </fieldset>
        <div className="flex items-center gap-2">
          <Checkbox id="new-table-rls" checked={rls} onCheckedChange={(v) => setRls(v === true)} />
          <Label htmlFor="new-table-rls">Enable row level security</Label>
        </div>
      </Dialog>
      <SqlPreview open={preview} onOpenChange={(o) => { setPreview(o); }} title={`Create table ${name}`}
        sql={createTableSql(schema, name.trim(), columns, rls)}
        onDone={() => { onOpenChange(false); onCreated(name.trim()); setName(''); setColumns([FIRST]); }} />
    </>
  );
}
