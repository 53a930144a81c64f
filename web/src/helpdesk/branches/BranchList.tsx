import { Building2, Plus } from 'lucide-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Button, Card, EmptyState, ErrorMessage, PageHeader, Skeleton } from '@/ui';
import { useMe } from '../role';
import { BRANCH_FIELDS } from './fields';
import { useBranches, useSaveRow } from './queries';
import { RecordDialog } from './RecordDialog';

/** Every branch with its address, contact and how much is there. Admins add branches (RLS: admin only). */
export default function BranchList() {
  const me = useMe();
  const navigate = useNavigate();
  const list = useBranches();
  const save = useSaveRow('branches');
  const [adding, setAdding] = useState(false);
  if (list.isLoading) return <Skeleton className="h-64" />;
  if (list.error) return <ErrorMessage error={list.error} retry={() => list.refetch()} />;
  const rows = list.data ?? [];
  return (
    <div className="grid gap-4">
      <PageHeader title="Branches" actions={me.data?.role === 'admin' && <Button onClick={() => setAdding(true)}><Plus aria-hidden className="h-4 w-4" />New branch</Button>} />
      {rows.length === 0 ? <EmptyState icon={Building2} title="No branches yet" /> : (
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" aria-label="Branches">
          {rows.map((b) => (
            <li key={b.id}><Card className="grid gap-1 p-4 text-sm">
              <Link to={`/branches/${b.id}`} className="text-base font-medium hover:underline">{b.name}{b.code ? ` (${b.code})` : ''}</Link>
              <p className="text-muted-foreground">{[b.address, b.city, b.country].filter(Boolean).join(', ') || 'No address'}</p>
              {b.contact_name && <p>{b.contact_name}{b.contact_email ? ` · ${b.contact_email}` : ''}</p>}
              <p className="text-muted-foreground">{b.network_devices[0]?.count ?? 0} network devices · {b.assets[0]?.count ?? 0} assets</p>
            </Card></li>))}
        </ul>)}
      {adding && <RecordDialog title="New branch" fields={BRANCH_FIELDS} initial={{}} open onOpenChange={setAdding}
        error={save.error} saving={save.isPending}
        onSave={(values) => save.mutate({ values }, { onSuccess: (r) => { setAdding(false); navigate(`/branches/${r.id}`); } })} />}
    </div>
  );
}
