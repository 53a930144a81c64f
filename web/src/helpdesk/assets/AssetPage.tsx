import { AlertTriangle, Pencil, Printer } from 'lucide-react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Badge, Button, Card, CardContent, CardHeader, CardTitle, EmptyState, ErrorMessage, PageHeader, Skeleton } from '@/ui';
import { isStaff, useMe } from '../role';
import { Warranty } from './AssetList';
import { STATUS_LABEL, STATUS_TONE } from './model';
import { memberName, useAsset, useAssetHistory, useAssetLabel, type AssetLabel, type AssetRow } from './queries';

/**
 * One asset, found by tag (what its QR label opens) or id. On a phone the first thing is the big
 * "Report a problem with this" button, which opens the new-ticket form linked to the asset.
 */
export default function AssetPage() {
  const { key = '' } = useParams();
  const navigate = useNavigate();
  const me = useMe();
  const asset = useAsset(key);
  const staff = !!me.data && isStaff(me.data.role);
  const extra = useAssetHistory(asset.data, staff);
  const label = useAssetLabel(key, asset.isSuccess && !asset.data);
  if (asset.isLoading || label.isLoading) return <Skeleton className="h-64" />;
  if (asset.error) return <ErrorMessage error={asset.error} retry={() => asset.refetch()} />;
  const a = asset.data;
  if (!a && label.data) return <LabelOnly asset={label.data} />;
  if (!a) return <EmptyState title="Asset not found" description={`No asset ${key} that you may see.`} />;
  return (
    <div className="grid gap-4">
      <PageHeader title={`${a.tag} · ${a.name}`} actions={staff ? <>
        <Button variant="outline" onClick={() => navigate(`/inventory/labels?ids=${a.id}`)}><Printer aria-hidden className="h-4 w-4" />Label</Button>
        {me.data?.role !== 'manager' && <Button variant="outline" onClick={() => navigate(`/inventory/${encodeURIComponent(a.tag)}/edit`)}><Pencil aria-hidden className="h-4 w-4" />Edit</Button>}
      </> : undefined} />
      <Button size="lg" className="w-full sm:w-fit" onClick={() => navigate(`/new?asset=${a.id}`)}>
        <AlertTriangle aria-hidden className="h-4 w-4" />Report a problem with this
      </Button>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader><CardTitle>Details</CardTitle></CardHeader>
          <CardContent><Fields asset={a} /></CardContent>
        </Card>
        <Card>
          <CardHeader><CardTitle>Custom fields</CardTitle></CardHeader>
          <CardContent>
            {Object.keys(a.custom ?? {}).length === 0 ? <p className="text-sm text-muted-foreground">None.</p> : (
              <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                {Object.entries(a.custom).map(([k, v]) => <Row key={k} label={k}>{String(v)}</Row>)}
              </dl>)}
          </CardContent>
        </Card>
      </div>
      {staff && extra.error && <ErrorMessage error={extra.error} />}
      {staff && extra.data && (
        <div className="grid gap-4 lg:grid-cols-3">
          <Card>
            <CardHeader><CardTitle>Assignment history</CardTitle></CardHeader>
            <CardContent>
              {extra.data.history.length === 0 ? <p className="text-sm text-muted-foreground">Never assigned.</p> : (
                <ul className="grid gap-2 text-sm">{extra.data.history.map((h) => (
                  <li key={h.id}><span className="font-medium">{memberName(h.member)}</span>{' '}
                    <span className="text-muted-foreground">{h.assigned_at.slice(0, 10)} → {h.released_at ? h.released_at.slice(0, 10) : 'now'}</span></li>))}
                </ul>)}
            </CardContent>
          </Card>
          <Card>
            <CardHeader><CardTitle>Tickets</CardTitle></CardHeader>
            <CardContent>
              {extra.data.tickets.length === 0 ? <p className="text-sm text-muted-foreground">No tickets about this asset.</p> : (
                <ul className="grid gap-2 text-sm">{extra.data.tickets.map((t) => (
                  <li key={t.id}><Link className="font-medium hover:underline" to={`/tickets/${t.id}`}>{t.number}</Link> {t.title}{' '}
                    <Badge>{t.status}</Badge></li>))}
                </ul>)}
            </CardContent>
          </Card>
          <Card>
            <CardHeader><CardTitle>Documents</CardTitle></CardHeader>
            <CardContent>
              {extra.data.documents.length === 0
                ? <p className="text-sm text-muted-foreground">No documents tagged {a.tag}.</p>
                : <ul className="grid gap-1 text-sm">{extra.data.documents.map((d) => <li key={d.id}>{d.folder}{d.name}</li>)}</ul>}
            </CardContent>
          </Card>
        </div>
      )}
    </div>
  );
}

function Fields({ asset: a }: { asset: AssetRow }) {
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
      <Row label="Status"><Badge tone={STATUS_TONE[a.status]}>{STATUS_LABEL[a.status]}</Badge></Row>
      <Row label="Type">{a.type}</Row>
      <Row label="Manufacturer">{a.manufacturer}</Row>
      <Row label="Model">{a.model}</Row>
      <Row label="Serial">{a.serial}</Row>
      <Row label="Branch">{a.branch_id ? <Link className="hover:underline" to={`/branches/${a.branch_id}`}>{a.branch?.name}</Link> : null}</Row>
      <Row label="Assigned to">{a.assignee ? memberName(a.assignee) : null}</Row>
      <Row label="Purchased">{a.purchase_date}</Row>
      <Row label="Cost">{a.purchase_cost != null ? String(a.purchase_cost) : null}</Row>
      <Row label="Warranty until"><Warranty date={a.warranty_expires_on} /></Row>
      <Row label="Notes">{a.notes}</Row>
    </dl>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return <><dt className="text-muted-foreground">{label}</dt><dd className="break-words">{children || '—'}</dd></>;
}

/** What a member who may not read the asset's row sees after scanning its label. */
function LabelOnly({ asset }: { asset: AssetLabel }) {
  const navigate = useNavigate();
  return (
    <div className="grid gap-4">
      <PageHeader title={`${asset.tag} · ${asset.name}`} />
      <Button size="lg" className="w-full sm:w-fit" onClick={() => navigate(`/new?asset=${asset.id}`)}>
        <AlertTriangle aria-hidden className="h-4 w-4" />Report a problem with this
      </Button>
      <Card><CardContent className="pt-4">
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <Row label="Type">{asset.type}</Row>
          <Row label="Branch">{asset.branch_name}</Row>
        </dl>
      </CardContent></Card>
    </div>
  );
}
