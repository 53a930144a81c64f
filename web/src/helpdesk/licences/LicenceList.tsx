import { AlertTriangle, Plus } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Card, EmptyState, ErrorMessage, PageHeader, Skeleton, Button } from '@/ui';
import { isStaff, useMe } from '../role';
import { LicenceDialog } from './LicenceDialog';
import { warningNote } from './notes';
import { useLicences } from './queries';
import { RenewalBadge, SeatBar } from './SeatBar';
import { renewalDue, seatSummary } from './seats';

/** Software licences: seats used/total, renewals due first, over-allocation called out. */
export default function LicenceList() {
  const me = useMe();
  const list = useLicences();
  const [adding, setAdding] = useState(false);
  const worker = me.data && isStaff(me.data.role) && me.data.role !== 'manager';
  if (list.isLoading) return <Skeleton className="h-64" />;
  if (list.error) return <ErrorMessage error={list.error} retry={() => list.refetch()} />;
  const rows = list.data ?? [];
  const over = rows.filter((l) => seatSummary(l.seats, l.licence_assignments).state === 'over');
  const due = rows.filter((l) => renewalDue(l.renews_on));
  return (
    <div className="grid gap-4">
      <PageHeader title="Software & licences" actions={worker && <Button onClick={() => setAdding(true)}><Plus aria-hidden className="h-4 w-4" />New licence</Button>} />
      {(over.length > 0 || due.length > 0) && (
        <div role="status" className="flex items-start gap-2 rounded-md border border-amber-500/40 bg-amber-500/10 p-3 text-sm">
          <AlertTriangle aria-hidden className="mt-0.5 h-4 w-4 text-amber-600" />
          <p>{warningNote(over.map((l) => l.name), due.map((l) => l.name))}</p>
        </div>)}
      {rows.length === 0 ? <EmptyState title="No licences yet" description="Add the software licences you pay for to track their seats." /> : (
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" aria-label="Licences">
          {rows.map((l) => (
            <li key={l.id}>
              <Card className="grid gap-2 p-4">
                <div className="flex items-start justify-between gap-2">
                  <div className="min-w-0">
                    <Link to={`/licences/${l.id}`} className="font-medium hover:underline">{l.name}</Link>
                    <p className="truncate text-xs text-muted-foreground">{[l.software?.name, l.software?.version, l.vendor].filter(Boolean).join(' · ')}</p>
                  </div>
                  <RenewalBadge renewsOn={l.renews_on} />
                </div>
                <SeatBar seats={l.seats} assignments={l.licence_assignments} />
              </Card>
            </li>))}
        </ul>)}
      <LicenceDialog open={adding} onOpenChange={setAdding} />
    </div>
  );
}
