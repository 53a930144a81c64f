import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Button, Card, CardContent, CardHeader, CardTitle, EmptyState, ErrorMessage, FormField, PageHeader, Select, Skeleton, toast } from '@/ui';
import { memberName } from '../assets/queries';
import { isStaff, useMe } from '../role';
import { useAssignSeat, useLicence, useReleaseSeat, useSeatTargets } from './queries';
import { RenewalBadge, SeatBar } from './SeatBar';
import { seatSummary, wouldOverAllocate } from './seats';

/** One licence: its seats, who holds them, assign and release. */
export default function LicencePage() {
  const { id = '' } = useParams();
  const me = useMe();
  const q = useLicence(id);
  const release = useReleaseSeat();
  const worker = !!me.data && isStaff(me.data.role) && me.data.role !== 'manager';
  if (q.isLoading) return <Skeleton className="h-64" />;
  if (q.error) return <ErrorMessage error={q.error} retry={() => q.refetch()} />;
  const l = q.data?.licence;
  if (!l) return <EmptyState title="Licence not found" />;
  const open = q.data!.seats.filter((s) => !s.released_at);
  const past = q.data!.seats.filter((s) => s.released_at);
  return (
    <div className="grid gap-4">
      <PageHeader title={l.name}><RenewalBadge renewsOn={l.renews_on} /></PageHeader>
      <Card className="grid gap-3 p-4">
        <p className="text-sm text-muted-foreground">{[l.software?.name, l.software?.version, l.vendor, l.cost != null ? `cost ${l.cost}` : null, l.purchased_on ? `bought ${l.purchased_on}` : null].filter(Boolean).join(' · ')}</p>
        <SeatBar seats={l.seats} assignments={l.licence_assignments} />
        {worker && <AssignSeat licenceId={l.id} seats={l.seats} used={open.length} />}
      </Card>
      <Card>
        <CardHeader><CardTitle>Seats in use</CardTitle></CardHeader>
        <CardContent>
          {open.length === 0 ? <p className="text-sm text-muted-foreground">No seat is assigned.</p> : (
            <ul className="grid gap-2" aria-label="Seats in use">{open.map((s) => (
              <li key={s.id} className="flex items-center justify-between gap-2 text-sm">
                <span>{s.member ? memberName(s.member) : s.asset ? <Link className="hover:underline" to={`/inventory/${encodeURIComponent(s.asset.tag)}`}>{s.asset.tag} · {s.asset.name}</Link> : '—'}
                  <span className="ml-2 text-muted-foreground">since {s.assigned_at.slice(0, 10)}</span></span>
                {worker && <Button size="sm" variant="outline" loading={release.isPending && release.variables === s.id}
                  aria-label={`Release seat of ${s.member ? memberName(s.member) : s.asset?.tag}`}
                  onClick={() => release.mutate(s.id, { onSuccess: () => toast.success('Seat released') })}>Release</Button>}
              </li>))}
            </ul>)}
          {past.length > 0 && <details className="mt-3 text-sm"><summary>Released seats ({past.length})</summary>
            <ul className="mt-2 grid gap-1 text-muted-foreground">{past.map((s) => (
              <li key={s.id}>{s.member ? memberName(s.member) : s.asset?.tag} · {s.assigned_at.slice(0, 10)} → {s.released_at!.slice(0, 10)}</li>))}</ul></details>}
        </CardContent>
      </Card>
    </div>
  );
}

/** Assign a seat to a member or an asset; warns (and asks again) when that over-allocates. */
function AssignSeat({ licenceId, seats, used }: { licenceId: string; seats: number; used: number }) {
  const targets = useSeatTargets();
  const assign = useAssignSeat(licenceId);
  const [kind, setKind] = useState<'member' | 'asset'>('member');
  const [target, setTarget] = useState('');
  const over = wouldOverAllocate(seatSummary(seats, Array.from({ length: used }, () => ({ released_at: null }))));
  const options = kind === 'member'
    ? (targets.data?.members ?? []).map((m) => ({ value: m.user_id, label: m.full_name || m.email || m.user_id }))
    : (targets.data?.assets ?? []).map((a) => ({ value: a.id, label: `${a.tag} · ${a.name}` }));
  function submit() {
    assign.mutate(kind === 'member' ? { member_id: target, asset_id: null } : { member_id: null, asset_id: target },
      { onSuccess: () => { toast.success('Seat assigned'); setTarget(''); } });
  }
  return (
    <div className="grid gap-2 sm:grid-cols-[10rem_1fr_auto] sm:items-end">
      <FormField label="Assign to"><Select value={kind} onValueChange={(v) => { setKind(v as 'member' | 'asset'); setTarget(''); }}
        options={[{ value: 'member', label: 'A person' }, { value: 'asset', label: 'A device' }]} /></FormField>
      <FormField label={kind === 'member' ? 'Person' : 'Device'}><Select value={target} onValueChange={setTarget} options={options} placeholder="Choose…" /></FormField>
      <Button disabled={!target} loading={assign.isPending} variant={over ? 'destructive' : 'primary'} onClick={submit}>
        {over ? 'Assign anyway' : 'Assign seat'}</Button>
      {over && <p role="alert" className="text-sm text-destructive sm:col-span-3">All {seats} seats are taken: another assignment over-allocates this licence.</p>}
    </div>
  );
}
