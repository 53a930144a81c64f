import { Plus } from 'lucide-react';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Badge, Button, EmptyState, ErrorMessage, FormField, PageHeader, Select, Skeleton, cn } from '@/ui';
import { SYSTEM_SCHEMAS, useRowCounts, useSchemas, useTables } from '../meta';
import { CreateTableDialog } from './CreateTableDialog';
import { TableView } from './TableView';

/** Schemas and their tables (with row counts) on the left, the chosen table's rows and structure on the right. */
export default function TablesPage() {
  const [params, setParams] = useSearchParams();
  const schema = params.get('schema') ?? 'public';
  const tableName = params.get('table');
  const schemas = useSchemas();
  const tables = useTables(schema);
  const counts = useRowCounts(schema);
  const countOf = (name: string) => counts.data?.find((c) => c.name === name);
  const [creating, setCreating] = useState(false);
  const table = tables.data?.find((t) => t.name === tableName);

  const choose = (next: Record<string, string>) => setParams(next);
  return (
    <div className="grid gap-4 lg:grid-cols-[16rem_1fr]">
      <div className="grid content-start gap-3">
        <FormField label="Schema">
          <Select value={schema} onValueChange={(value) => choose({ schema: value })}
            options={(schemas.data ?? []).filter((s) => !SYSTEM_SCHEMAS.includes(s.name)).map((s) => ({ value: s.name, label: s.name }))} />
        </FormField>
        <Button variant="outline" onClick={() => setCreating(true)}><Plus aria-hidden className="h-4 w-4" />New table</Button>
        {tables.error && <ErrorMessage error={tables.error} retry={() => void tables.refetch()} />}
        {tables.isLoading && <Skeleton className="h-24" />}
        <nav aria-label="Tables">
          <ul className="grid gap-0.5">
            {(tables.data ?? []).sort((a, b) => a.name.localeCompare(b.name)).map((t) => (
              <li key={t.id}>
                <button type="button" onClick={() => choose({ schema, table: t.name })}
                  className={cn('flex w-full items-center justify-between rounded-md px-3 py-1.5 text-left text-sm hover:bg-accent',
                    t.name === tableName && 'bg-accent font-medium')}>
                  <span className="truncate">{t.name}</span>
                  <span className="text-xs text-muted-foreground" title={countOf(t.name)?.estimated ? 'Estimated rows' : 'Rows'}>
                    {countOf(t.name) ? `${countOf(t.name)!.estimated ? '~' : ''}${Number(countOf(t.name)!.rows).toLocaleString()}` : ''}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </nav>
        {tables.data?.length === 0 && <p className="text-sm text-muted-foreground">No tables in {schema}.</p>}
      </div>
      <div className="min-w-0">
        {table ? <TableView key={`${schema}.${table.name}`} table={table} /> : (
          <>
            <PageHeader title="Tables"><p className="text-sm text-muted-foreground">Schema <Badge>{schema}</Badge></p></PageHeader>
            <EmptyState title="Choose a table" description="Pick a table on the left, or create a new one." />
          </>
        )}
      </div>
      <CreateTableDialog schema={schema} open={creating} onOpenChange={setCreating}
        onCreated={(name) => choose({ schema, table: name })} />
    </div>
  );
}
