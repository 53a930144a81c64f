import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Button, Checkbox, DataTable, ErrorMessage, Input, Label, PageHeader, Tabs, TabsContent, TabsList, TabsTrigger, type Column } from '@/ui';
import { api } from '../api';
import { useTables } from '../meta';
import { ident, qualified } from '../sql';
import { SqlPreview } from '../SqlPreview';

type Row = Record<string, unknown>;
const text = (value: unknown) => (value === null || value === undefined ? '' : Array.isArray(value) ? value.join(', ') : String(value));

function useMeta(path: string) {
  return useQuery({ queryKey: ['pg', path], queryFn: () => api<Row[]>(`/pg/${path}`) });
}

/** A catalogue list with a search box over the given columns. */
function Listing({ path, label, fields, actions }: { path: string; label: string; fields: string[]; actions?: (row: Row) => JSX.Element | null }) {
  const data = useMeta(path);
  const [search, setSearch] = useState('');
  const rows = (data.data ?? []).filter((r) => !search || fields.some((f) => text(r[f]).toLowerCase().includes(search.toLowerCase())));
  const columns: Column<Row>[] = fields.map((f) => ({ id: f, header: f.replace(/_/g, ' '), cell: (r) => <span className="text-xs">{text(r[f])}</span> }));
  if (actions) columns.push({ id: 'actions', header: 'Actions', cell: actions });
  return (
    <div className="grid gap-2">
      <Input className="max-w-xs" type="search" aria-label={`Search ${label}`} placeholder={`Search ${label}`} value={search} onChange={(e) => setSearch(e.target.value)} />
      {data.error && <ErrorMessage error={data.error} />}
      <DataTable label={label} columns={columns} rows={rows} rowId={(r) => String(r.id ?? r.name)} loading={data.isLoading} />
    </div>
  );
}

/** Roles, extensions, publications (realtime per table), functions, triggers and indexes. */
export default function DatabasePage() {
  const [sql, setSql] = useState<{ title: string; text: string } | null>(null);
  return (
    <div className="grid gap-4">
      <PageHeader title="Database" />
      <Tabs defaultValue="realtime">
        <TabsList className="flex-wrap">
          {['realtime', 'roles', 'extensions', 'publications', 'functions', 'triggers', 'indexes'].map((t) => (
            <TabsTrigger key={t} value={t}>{t === 'realtime' ? 'Realtime' : t[0].toUpperCase() + t.slice(1)}</TabsTrigger>
          ))}
        </TabsList>
        <TabsContent value="realtime"><Realtime onSql={setSql} /></TabsContent>
        <TabsContent value="roles"><Listing path="roles" label="roles" fields={['name', 'can_login', 'is_superuser', 'can_bypass_rls', 'active_connections', 'connection_limit']} /></TabsContent>
        <TabsContent value="extensions">
          <Listing path="extensions" label="extensions" fields={['name', 'installed_version', 'default_version', 'schema', 'comment']}
            actions={(r) => (r.installed_version
              ? <Button size="sm" variant="outline" onClick={() => setSql({ title: `Disable ${r.name}`, text: `drop extension ${ident(String(r.name))};` })}>Disable</Button>
              : <Button size="sm" variant="outline" onClick={() => setSql({ title: `Enable ${r.name}`, text: `create extension ${ident(String(r.name))} with schema extensions;` })}>Enable</Button>)} />
        </TabsContent>
        <TabsContent value="publications"><Listing path="publications" label="publications" fields={['name', 'publish_insert', 'publish_update', 'publish_delete', 'publish_truncate']} /></TabsContent>
        <TabsContent value="functions"><Listing path="functions" label="functions" fields={['schema', 'name', 'argument_types', 'return_type', 'language', 'security_definer']} /></TabsContent>
        <TabsContent value="triggers"><Listing path="triggers" label="triggers" fields={['schema', 'table', 'name', 'activation', 'events', 'function_name', 'enabled_mode']} /></TabsContent>
        <TabsContent value="indexes"><Listing path="indexes" label="indexes" fields={['schema', 'index_definition', 'is_unique', 'is_primary']} /></TabsContent>
      </Tabs>
      <SqlPreview open={sql !== null} onOpenChange={(o) => { if (!o) setSql(null); }} title={sql?.title ?? ''} sql={sql?.text ?? ''} />
    </div>
  );
}

/** Which tables of `public` send their changes to Realtime (the supabase_realtime publication). */
function Realtime({ onSql }: { onSql: (sql: { title: string; text: string }) => void }) {
  const publications = useMeta('publications');
  const tables = useTables('public');
  const realtime = (publications.data ?? []).find((p) => p.name === 'supabase_realtime');
  const members = new Set(((realtime?.tables as { schema: string; name: string }[] | null) ?? []).map((t) => `${t.schema}.${t.name}`));
  if (publications.isSuccess && !realtime) {
    return <Button onClick={() => onSql({ title: 'Create the realtime publication', text: 'create publication supabase_realtime;' })}>Create the supabase_realtime publication</Button>;
  }
  return (
    <ul className="grid gap-2">
      {(tables.data ?? []).map((t) => {
        const on = members.has(`public.${t.name}`);
        return (
          <li key={t.id} className="flex items-center gap-2">
            <Checkbox id={`rt-${t.id}`} checked={on} onCheckedChange={() => onSql({
              title: `Realtime ${on ? 'off' : 'on'} for ${t.name}`,
              text: `alter publication supabase_realtime ${on ? 'drop' : 'add'} table ${qualified('public', t.name)};`,
            })} />
            <Label htmlFor={`rt-${t.id}`}>Realtime for {t.name}</Label>
            {on && <Badge tone="green">live</Badge>}
          </li>
        );
      })}
    </ul>
  );
}
