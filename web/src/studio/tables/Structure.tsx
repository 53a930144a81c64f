import { Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Button, Checkbox, DataTable, Dialog, FormField, Input, Label, Select, type Column } from '@/ui';
import type { MetaColumn, MetaTable } from '../meta';
import { addColumnSql, COLUMN_TYPES, dropColumnSql, renameColumnSql, type ColumnSpec } from '../sql';
import { SqlPreview } from '../SqlPreview';

/** The table's columns; add, rename and drop them, each through the SQL preview. */
export function Structure({ table }: { table: MetaTable }) {
  const [sql, setSql] = useState<{ title: string; text: string } | null>(null);
  const [adding, setAdding] = useState(false);
  const [spec, setSpec] = useState<ColumnSpec>({ name: '', type: 'text', nullable: true, defaultValue: '', primaryKey: false });
  const keys = new Set(table.primary_keys.map((k) => k.name));

  const columns: Column<MetaColumn>[] = [
    { id: 'name', header: 'Name', cell: (c) => <span className="font-medium">{c.name}{keys.has(c.name) ? ' 🔑' : ''}</span> },
    { id: 'type', header: 'Type', cell: (c) => <code className="text-xs">{c.format}</code> },
    { id: 'default', header: 'Default', cell: (c) => <code className="text-xs">{c.default_value ?? ''}</code> },
    { id: 'nullable', header: 'Nullable', cell: (c) => (c.is_nullable ? 'yes' : 'no') },
    { id: 'fk', header: 'References', cell: (c) => {
      const fk = table.relationships.find((r) => r.source_table_name === table.name && r.source_column_name === c.name);
      return fk ? `${fk.target_table_schema}.${fk.target_table_name}.${fk.target_column_name}` : '';
    } },
    { id: 'actions', header: 'Actions', cell: (c) => (
      <div className="flex gap-1">
        <Button variant="ghost" size="sm" onClick={() => {
          const to = window.prompt(`Rename column ${c.name} to`, c.name);
          if (to && to !== c.name) setSql({ title: `Rename column ${c.name}`, text: renameColumnSql(table.schema, table.name, c.name, to) });
        }}>Rename</Button>
        <Button variant="ghost" size="icon" aria-label={`Drop column ${c.name}`}
          onClick={() => setSql({ title: `Drop column ${c.name}`, text: dropColumnSql(table.schema, table.name, c.name) })}>
          <Trash2 aria-hidden className="h-4 w-4" />
        </Button>
      </div>
    ) },
  ];

  return (
    <div className="grid gap-3">
      <div><Button variant="outline" onClick={() => setAdding(true)}><Plus aria-hidden className="h-4 w-4" />Add column</Button></div>
      <DataTable label={`Columns of ${table.name}`} columns={columns} rows={table.columns ?? []} rowId={(c) => c.id} />
      <Dialog open={adding} onOpenChange={setAdding} title={`Add a column to ${table.name}`}
        footer={<Button disabled={!spec.name.trim()} onClick={() => { setAdding(false); setSql({ title: `Add column ${spec.name}`, text: addColumnSql(table.schema, table.name, spec) }); }}>Review SQL</Button>}>
        <FormField label="Column name"><Input value={spec.name} onChange={(e) => setSpec({ ...spec, name: e.target.value })} /></FormField>
        <FormField label="Column type"><Select value={spec.type} onValueChange={(type) => setSpec({ ...spec, type })} options={COLUMN_TYPES.map((t) => ({ value: t, label: t }))} /></FormField>
        <FormField label="Default value"><Input value={spec.defaultValue} onChange={(e) => setSpec({ ...spec, defaultValue: e.target.value })} /></FormField>
        <div className="flex items-center gap-2">
          <Checkbox id="add-col-null" checked={spec.nullable} onCheckedChange={(v) => setSpec({ ...spec, nullable: v === true })} />
          <Label htmlFor="add-col-null">Nullable</Label>
        </div>
      </Dialog>
      <SqlPreview open={sql !== null} onOpenChange={(o) => { if (!o) setSql(null); }} title={sql?.title ?? ''} sql={sql?.text ?? ''} />
    </div>
  );
}
