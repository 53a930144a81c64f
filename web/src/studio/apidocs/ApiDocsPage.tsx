import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Card, DataTable, ErrorMessage, PageHeader, Skeleton, cn, type Column } from '@/ui';
import { api } from '../api';
import { useSession } from '../session';

interface Property { type?: string; format?: string; description?: string; default?: unknown }
interface OpenApi { definitions?: Record<string, { properties?: Record<string, Property>; required?: string[]; description?: string }> }

/** Per table, from the REST API's own OpenAPI: its columns, and how to call it from supabase-js and curl
 * with the anon key (what an app would ship; the service key never appears here). */
export default function ApiDocsPage() {
  const { settings } = useSession();
  const spec = useQuery({ queryKey: ['rest', 'openapi'], queryFn: () => api<OpenApi>('/rest/v1/') });
  const names = Object.keys(spec.data?.definitions ?? {}).sort();
  const [chosen, setChosen] = useState<string | null>(null);
  const name = chosen ?? names[0];
  const definition = name ? spec.data?.definitions?.[name] : undefined;
  const props = Object.entries(definition?.properties ?? {}).map(([column, p]) => ({ column, ...p }));
  const columns: Column<typeof props[number]>[] = [
    { id: 'column', header: 'Column', cell: (p) => <span className="font-medium">{p.column}</span> },
    { id: 'format', header: 'Type', cell: (p) => <code className="text-xs">{p.format ?? p.type}</code> },
    { id: 'required', header: 'Required', cell: (p) => (definition?.required?.includes(p.column) ? 'yes' : 'no') },
    { id: 'description', header: 'Notes', cell: (p) => <span className="text-xs">{p.description ?? ''}</span> },
  ];
  const url = settings.api_url;
  const js = name && `import { createClient } from '@supabase/supabase-js'

const supabase = createClient('${url}', '${settings.anon_key}')

// read
const { data, error } = await supabase.from('${name}').select('*').limit(10)
// insert
await supabase.from('${name}').insert({ /* columns */ })
// update
await supabase.from('${name}').update({ /* columns */ }).eq('id', 1)
// delete
await supabase.from('${name}').delete().eq('id', 1)`;
  const curl = name && `curl '${url}/rest/v1/${name}?select=*&limit=10' \\
  -H "apikey: ${settings.anon_key}" \\
  -H "Authorization: Bearer ${settings.anon_key}"

curl -X POST '${url}/rest/v1/${name}' \\
  -H "apikey: ${settings.anon_key}" \\
  -H "Authorization: Bearer ${settings.anon_key}" \\
  -H "Content-Type: application/json" -H "Prefer: return=representation" \\
  -d '{}'`;

  return (
    <div className="grid gap-4 lg:grid-cols-[14rem_1fr]">
      <nav aria-label="API tables" className="grid content-start gap-0.5">
        {spec.isLoading && <Skeleton className="h-24" />}
        {names.map((n) => (
          <button key={n} type="button" onClick={() => setChosen(n)}
            className={cn('rounded-md px-3 py-1.5 text-left text-sm hover:bg-accent', n === name && 'bg-accent font-medium')}>{n}</button>
        ))}
      </nav>
      <div className="grid min-w-0 grid-cols-[minmax(0,1fr)] content-start gap-4">
        <PageHeader title={name ? `API: ${name}` : 'API docs'}>
          <p className="text-sm text-muted-foreground">Generated from {url}/rest/v1/. Snippets use the anon key: RLS decides what they may do.</p>
        </PageHeader>
        {spec.error && <ErrorMessage error={spec.error} />}
        {definition && <DataTable label={`Columns of ${name}`} columns={columns} rows={props} rowId={(p) => p.column} />}
        {js && <Card className="p-4"><h2 className="mb-2 font-semibold">supabase-js</h2><pre className="overflow-x-auto font-mono text-xs">{js}</pre></Card>}
        {curl && <Card className="p-4"><h2 className="mb-2 font-semibold">curl</h2><pre className="overflow-x-auto font-mono text-xs">{curl}</pre></Card>}
      </div>
    </div>
  );
}
