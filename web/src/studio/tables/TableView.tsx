import { Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Badge, Button, PageHeader, Tabs, TabsContent, TabsList, TabsTrigger } from '@/ui';
import type { MetaTable } from '../meta';
import { dropTableSql } from '../sql';
import { SqlPreview } from '../SqlPreview';
import { RowsGrid } from './RowsGrid';
import { Structure } from './Structure';

export function TableView({ table }: { table: MetaTable }) {
  const [dropping, setDropping] = useState(false);
  return (
    <div className="grid gap-3">
      <PageHeader title={`${table.schema}.${table.name}`}
        actions={<Button variant="outline" onClick={() => setDropping(true)}><Trash2 aria-hidden className="h-4 w-4" />Drop table</Button>}>
        <div className="mt-1 flex flex-wrap gap-2 text-xs">
          <Badge tone={table.rls_enabled ? 'green' : 'amber'}>{table.rls_enabled ? 'RLS on' : 'RLS off'}</Badge>
          <Badge tone="outline">{table.size}</Badge>
        </div>
      </PageHeader>
      <Tabs defaultValue="rows">
        <TabsList><TabsTrigger value="rows">Rows</TabsTrigger><TabsTrigger value="structure">Structure</TabsTrigger></TabsList>
        <TabsContent value="rows"><RowsGrid table={table} /></TabsContent>
        <TabsContent value="structure"><Structure table={table} /></TabsContent>
      </Tabs>
      <SqlPreview open={dropping} onOpenChange={setDropping} title={`Drop table ${table.name}`} runLabel="Drop table"
        sql={dropTableSql(table.schema, table.name, false)} />
    </div>
  );
}
