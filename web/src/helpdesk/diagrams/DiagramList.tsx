import { Network, Plus } from 'lucide-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Button, Card, Dialog, EmptyState, ErrorMessage, FormField, Input, PageHeader, Select, Skeleton } from '@/ui';
import { useAssetReference } from '../assets/queries';
import { useMe } from '../role';
import { useCreateDiagram, useDiagrams } from './queries';

/** Network diagrams, per branch and company-wide. */
export default function DiagramList() {
  const me = useMe();
  const list = useDiagrams();
  const [adding, setAdding] = useState(false);
  const worker = me.data?.role === 'agent' || me.data?.role === 'admin';
  if (list.isLoading) return <Skeleton className="h-64" />;
  if (list.error) return <ErrorMessage error={list.error} retry={() => list.refetch()} />;
  const rows = list.data ?? [];
  const company = rows.filter((d) => !d.branch_id);
  const byBranch = rows.filter((d) => d.branch_id);
  return (
    <div className="grid gap-4">
      <PageHeader title="Network diagrams" actions={worker && <Button onClick={() => setAdding(true)}><Plus aria-hidden className="h-4 w-4" />New diagram</Button>} />
      {rows.length === 0 ? <EmptyState icon={Network} title="No diagrams yet" description="Draw a branch's network from its devices." /> : (
        <div className="grid gap-4 lg:grid-cols-2">
          <Group title="Company-wide" rows={company} />
          <Group title="Branches" rows={byBranch} />
        </div>)}
      {adding && <NewDiagram onClose={() => setAdding(false)} />}
    </div>
  );
}

function Group({ title, rows }: { title: string; rows: ReturnType<typeof useDiagrams>['data'] & object }) {
  return (
    <Card className="grid content-start gap-2 p-4">
      <h2 className="font-semibold">{title}</h2>
      {rows.length === 0 ? <p className="text-sm text-muted-foreground">None.</p> : (
        <ul className="grid gap-1 text-sm">{rows.map((d) => (
          <li key={d.id}><Link className="font-medium hover:underline" to={`/diagrams/${d.id}`}>{d.name}</Link>
            <span className="ml-2 text-muted-foreground">{d.branch?.name ?? ''} · updated {d.updated_at.slice(0, 10)}</span></li>))}
        </ul>)}
    </Card>
  );
}

function NewDiagram({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const reference = useAssetReference();
  const create = useCreateDiagram();
  const [name, setName] = useState('');
  const [branch, setBranch] = useState('');
  const [missing, setMissing] = useState(false);
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title="New diagram">
      <form className="grid gap-3" noValidate onSubmit={(e) => {
        e.preventDefault();
        if (!name.trim()) { setMissing(true); return; }
        create.mutate({ name: name.trim(), branch_id: branch || null }, { onSuccess: (d) => navigate(`/diagrams/${d.id}`) });
      }}>
        <FormField label="Diagram name" error={missing ? 'Give the diagram a name' : undefined}><Input value={name} onChange={(e) => setName(e.target.value)} autoFocus /></FormField>
        <FormField label="Branch" hint="Company-wide diagrams can place devices from every branch">
          <Select value={branch} onValueChange={setBranch} allowNone="Company-wide"
            options={(reference.data?.branches ?? []).map((b) => ({ value: b.id, label: b.name }))} /></FormField>
        {create.error != null && <ErrorMessage title="Could not create the diagram" error={create.error} />}
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={onClose}>Cancel</Button>
          <Button type="submit" loading={create.isPending}>Create</Button>
        </div>
      </form>
    </Dialog>
  );
}
