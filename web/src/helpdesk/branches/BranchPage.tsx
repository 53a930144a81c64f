import { Pencil, Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Badge, Button, Card, CardContent, CardHeader, CardTitle, EmptyState, ErrorMessage, PageHeader, Skeleton } from '@/ui';
import { STATUS_LABEL, STATUS_TONE, type AssetStatus } from '../assets/model';
import { isStaff, useMe } from '../role';
import { BRANCH_FIELDS, DEVICE_FIELDS, LINK_FIELDS } from './fields';
import { useBranch, useDeleteRow, useSaveRow, type Device, type InternetLink } from './queries';
import { RecordDialog, type FieldSpec } from './RecordDialog';

type Editing = { table: 'branches' | 'network_devices' | 'internet_links'; row: Record<string, unknown> } | null;

/** A branch: address and contacts, network devices, internet links, assets and tickets there. */
export default function BranchPage() {
  const { id = '' } = useParams();
  const me = useMe();
  const q = useBranch(id);
  const [editing, setEditing] = useState<Editing>(null);
  const role = me.data?.role;
  const worker = role === 'agent' || role === 'admin';
  if (q.isLoading) return <Skeleton className="h-64" />;
  if (q.error) return <ErrorMessage error={q.error} retry={() => q.refetch()} />;
  const b = q.data?.branch;
  if (!b) return <EmptyState title="Branch not found" />;
  const { devices, links, assets, tickets } = q.data!;
  return (
    <div className="grid gap-4">
      <PageHeader title={b.name} actions={role === 'admin' &&
        <Button variant="outline" onClick={() => setEditing({ table: 'branches', row: b as unknown as Record<string, unknown> })}><Pencil aria-hidden className="h-4 w-4" />Edit branch</Button>} />
      <Card className="grid gap-1 p-4 text-sm">
        <p>{[b.address, b.city, b.country].filter(Boolean).join(', ') || 'No address'}{b.code ? ` · code ${b.code}` : ''}</p>
        <p>{b.phone ? `Phone ${b.phone}` : null}</p>
        <p>{b.contact_name ? `Contact: ${b.contact_name}` : null}{b.contact_email ? ` · ${b.contact_email}` : null}</p>
        {b.notes && <p className="text-muted-foreground">{b.notes}</p>}
      </Card>
      <div className="grid gap-4 lg:grid-cols-2">
        <Section title="Network devices" addLabel="Add device" canEdit={worker} onAdd={() => setEditing({ table: 'network_devices', row: { branch_id: id, kind: 'other' } })}>
          {devices.length === 0 ? <Empty /> : <ul className="grid gap-2 text-sm" aria-label="Network devices">{devices.map((d) => (
            <DeviceItem key={d.id} device={d} canEdit={worker} onEdit={() => setEditing({ table: 'network_devices', row: d as unknown as Record<string, unknown> })} />))}</ul>}
        </Section>
        <Section title="Internet links" addLabel="Add internet link" canEdit={worker} onAdd={() => setEditing({ table: 'internet_links', row: { branch_id: id } })}>
          {links.length === 0 ? <Empty /> : <ul className="grid gap-3 text-sm" aria-label="Internet links">{links.map((l) => (
            <LinkItem key={l.id} link={l} canEdit={worker} onEdit={() => setEditing({ table: 'internet_links', row: l as unknown as Record<string, unknown> })} />))}</ul>}
        </Section>
        <Section title={`Assets (${assets.length})`}>
          {assets.length === 0 ? <Empty /> : <ul className="grid gap-1 text-sm">{assets.map((a) => (
            <li key={a.id}><Link className="font-medium hover:underline" to={`/inventory/${encodeURIComponent(a.tag)}`}>{a.tag}</Link> {a.name} <Badge tone={STATUS_TONE[a.status as AssetStatus]}>{STATUS_LABEL[a.status as AssetStatus]}</Badge></li>))}</ul>}
        </Section>
        {me.data && isStaff(me.data.role) && <Section title="Recent tickets">
          {tickets.length === 0 ? <Empty /> : <ul className="grid gap-1 text-sm">{tickets.map((t) => (
            <li key={t.id}><Link className="font-medium hover:underline" to={`/tickets/${t.id}`}>{t.number}</Link> {t.title} <Badge>{t.status}</Badge></li>))}</ul>}
        </Section>}
      </div>
      {editing && <Editor editing={editing} onClose={() => setEditing(null)} />}
    </div>
  );
}

const FIELDS: Record<string, FieldSpec[]> = { branches: BRANCH_FIELDS, network_devices: DEVICE_FIELDS, internet_links: LINK_FIELDS };
const TITLES: Record<string, string> = { branches: 'branch', network_devices: 'network device', internet_links: 'internet link' };

function Editor({ editing, onClose }: { editing: NonNullable<Editing>; onClose: () => void }) {
  const save = useSaveRow(editing.table);
  const id = editing.row.id as string | undefined;
  return (
    <RecordDialog title={`${id ? 'Edit' : 'New'} ${TITLES[editing.table]}`} fields={FIELDS[editing.table]} initial={editing.row} open
      onOpenChange={(o) => !o && onClose()} error={save.error} saving={save.isPending}
      onSave={(values) => save.mutate({ id, values: id ? values : { ...values, branch_id: editing.row.branch_id } }, { onSuccess: onClose })} />
  );
}

function Section({ title, children, addLabel, canEdit, onAdd }: { title: string; children: React.ReactNode; addLabel?: string; canEdit?: boolean; onAdd?: () => void }) {
  return (
    <Card>
      <CardHeader className="flex-row items-center justify-between gap-2 space-y-0">
        <CardTitle>{title}</CardTitle>
        {canEdit && onAdd && <Button size="sm" variant="outline" onClick={onAdd}><Plus aria-hidden className="h-4 w-4" />{addLabel}</Button>}
      </CardHeader>
      <CardContent>{children}</CardContent>
    </Card>
  );
}
const Empty = () => <p className="text-sm text-muted-foreground">None.</p>;

function DeviceItem({ device: d, canEdit, onEdit }: { device: Device; canEdit: boolean; onEdit: () => void }) {
  const del = useDeleteRow('network_devices');
  return (
    <li className="flex items-start justify-between gap-2">
      <div><span className="font-medium">{d.name}</span> <Badge tone="blue">{d.kind.replace('_', ' ')}</Badge>
        <p className="text-muted-foreground">{[d.ip_address, d.mac_address, d.location].filter(Boolean).join(' · ')}</p></div>
      {canEdit && <div className="flex gap-1">
        <Button size="icon" variant="ghost" aria-label={`Edit ${d.name}`} onClick={onEdit}><Pencil aria-hidden className="h-4 w-4" /></Button>
        <Button size="icon" variant="ghost" aria-label={`Delete ${d.name}`} loading={del.isPending} onClick={() => del.mutate(d.id)}><Trash2 aria-hidden className="h-4 w-4" /></Button>
      </div>}
    </li>
  );
}

function LinkItem({ link: l, canEdit, onEdit }: { link: InternetLink; canEdit: boolean; onEdit: () => void }) {
  const ends = l.contract_end ? Math.round((Date.parse(l.contract_end) - Date.now()) / 86_400_000) : null;
  return (
    <li className="flex items-start justify-between gap-2">
      <div className="grid gap-0.5">
        <p><span className="font-medium">{l.isp}</span>{l.bandwidth_down_mbps != null && ` · ${l.bandwidth_down_mbps}/${l.bandwidth_up_mbps ?? '?'} Mbit/s`}
          {ends != null && ends < 60 && <Badge tone={ends < 0 ? 'red' : 'amber'} className="ml-2">{ends < 0 ? 'Contract ended' : `Contract ends in ${ends} d`}</Badge>}</p>
        <p className="text-muted-foreground">{[l.circuit_id && `circuit ${l.circuit_id}`, l.account_number && `account ${l.account_number}`,
          (l.contract_start || l.contract_end) && `contract ${l.contract_start ?? '?'} → ${l.contract_end ?? '?'}`, l.monthly_cost != null && `${l.monthly_cost}/month`].filter(Boolean).join(' · ')}</p>
        <p className="text-muted-foreground">{[l.support_phone && `support ${l.support_phone}`, l.support_email].filter(Boolean).join(' · ')}</p>
      </div>
      {canEdit && <Button size="icon" variant="ghost" aria-label={`Edit ${l.isp}`} onClick={onEdit}><Pencil aria-hidden className="h-4 w-4" /></Button>}
    </li>
  );
}
