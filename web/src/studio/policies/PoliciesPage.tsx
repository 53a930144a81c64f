import { useQueryClient } from '@tanstack/react-query';
import { Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Badge, Button, Card, Checkbox, ErrorMessage, FormField, Label, PageHeader, Select, Skeleton, toast } from '@/ui';
import { describeError } from '@/lib/errors';
import { api } from '../api';
import { SYSTEM_SCHEMAS, usePolicies, useSchemas, useTables, type MetaPolicy, type MetaTable } from '../meta';
import { ident, qualified } from '../sql';
import { SqlPreview } from '../SqlPreview';
import { PolicyDialog } from './PolicyDialog';

/** Row level security per table: on/off, and its policies (create from templates, edit, delete). */
export default function PoliciesPage() {
  const [schema, setSchema] = useState('public');
  const schemas = useSchemas();
  const tables = useTables(schema);
  const policies = usePolicies();
  const [editing, setEditing] = useState<{ table: MetaTable; policy?: MetaPolicy } | null>(null);
  const [dropping, setDropping] = useState<MetaPolicy | null>(null);
  const client = useQueryClient();

  async function toggle(table: MetaTable, on: boolean) {
    try {
      await api(`/pg/tables/${table.id}`, { method: 'PATCH', body: { rls_enabled: on } });
      await client.invalidateQueries({ queryKey: ['pg'] });
      toast.success(`RLS ${on ? 'enabled' : 'disabled'} on ${table.name}`);
    } catch (error) { toast.error('Could not change RLS', describeError(error)); }
  }

  return (
    <div className="grid gap-4">
      <PageHeader title="Policies">
        <p className="text-sm text-muted-foreground">With RLS on, the anon and authenticated roles see only the rows a policy lets them.</p>
      </PageHeader>
      <div className="w-56"><FormField label="Schema"><Select value={schema} onValueChange={setSchema}
        options={(schemas.data ?? []).filter((s) => !SYSTEM_SCHEMAS.includes(s.name)).map((s) => ({ value: s.name, label: s.name }))} /></FormField></div>
      {(tables.error || policies.error) && <ErrorMessage error={tables.error ?? policies.error} />}
      {tables.isLoading && <Skeleton className="h-32" />}
      {(tables.data ?? []).sort((a, b) => a.name.localeCompare(b.name)).map((table) => {
        const own = (policies.data ?? []).filter((p) => p.schema === table.schema && p.table === table.name);
        return (
          <Card key={table.id} className="grid gap-3 p-4" aria-label={`Table ${table.name}`} role="region">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <h2 className="font-semibold">{table.name}</h2>
              <div className="flex items-center gap-3">
                <div className="flex items-center gap-2">
                  <Checkbox id={`rls-${table.id}`} checked={table.rls_enabled} onCheckedChange={(v) => void toggle(table, v === true)} />
                  <Label htmlFor={`rls-${table.id}`}>RLS enabled for {table.name}</Label>
                </div>
                <Button size="sm" variant="outline" onClick={() => setEditing({ table })}><Plus aria-hidden className="h-4 w-4" />New policy on {table.name}</Button>
              </div>
            </div>
            {!table.rls_enabled && <p className="text-sm text-amber-700 dark:text-amber-300">RLS is off: every role with table privileges reads and writes all rows.</p>}
            {own.length === 0 ? <p className="text-sm text-muted-foreground">No policies.</p> : (
              <ul className="grid gap-2">
                {own.map((p) => (
                  <li key={p.id} className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-border p-2 text-sm">
                    <div className="grid gap-0.5">
                      <span className="font-medium">{p.name} <Badge tone="blue">{p.command}</Badge> <Badge tone="outline">{p.roles.join(', ')}</Badge></span>
                      {p.definition && <code className="text-xs">using ({p.definition})</code>}
                      {p.check && <code className="text-xs">with check ({p.check})</code>}
                    </div>
                    <div className="flex gap-1">
                      <Button size="sm" variant="ghost" onClick={() => setEditing({ table, policy: p })}>Edit</Button>
                      <Button size="icon" variant="ghost" aria-label={`Delete policy ${p.name}`} onClick={() => setDropping(p)}><Trash2 aria-hidden className="h-4 w-4" /></Button>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        );
      })}
      {editing && <PolicyDialog table={editing.table} policy={editing.policy} onClose={() => setEditing(null)} />}
      <SqlPreview open={dropping !== null} onOpenChange={(o) => { if (!o) setDropping(null); }} title={`Delete policy ${dropping?.name ?? ''}`}
        sql={dropping ? `drop policy ${ident(dropping.name)} on ${qualified(dropping.schema, dropping.table)};` : ''} runLabel="Delete policy" />
    </div>
  );
}
