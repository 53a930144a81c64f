import { useQuery } from '@tanstack/react-query';
import { Printer } from 'lucide-react';
import { useSearchParams } from 'react-router-dom';
import { Button, EmptyState, ErrorMessage, PageHeader, Skeleton } from '@/ui';
// Not from the kit's barrel: the QR encoder then loads only with this page.
import { QrCode } from '@/ui/QrCode';
import { fetchAssetsByIds } from './queries';

/** The URL a label's QR code opens: the asset's page by tag. */
export const assetUrl = (tag: string) => `${window.location.origin}/inventory/${encodeURIComponent(tag)}`;

// When printing, only the sheet shows: the app's shell and this page's header are hidden.
const PRINT_CSS = `@media print {
  @page { margin: 10mm; }
  body * { visibility: hidden !important; }
  .label-sheet, .label-sheet * { visibility: visible !important; }
  .label-sheet { position: absolute; left: 0; top: 0; width: 100%; }
  .label { break-inside: avoid; border-color: #000 !important; }
}`;

/** A printable sheet of asset labels (`/inventory/labels?ids=…`), each with a QR code to the asset's page. */
export default function Labels() {
  const [params] = useSearchParams();
  const ids = (params.get('ids') ?? '').split(',').filter(Boolean);
  const assets = useQuery({ queryKey: ['asset-labels', ids], enabled: ids.length > 0, queryFn: () => fetchAssetsByIds(ids) });
  if (ids.length === 0) return <EmptyState title="No assets chosen" description="Select assets in the list, then choose Print labels." />;
  if (assets.isLoading) return <Skeleton className="h-64" />;
  if (assets.error) return <ErrorMessage error={assets.error} retry={() => assets.refetch()} />;
  return (
    <div className="grid gap-4">
      <style>{PRINT_CSS}</style>
      <PageHeader title="Asset labels" actions={<Button onClick={() => window.print()}><Printer aria-hidden className="h-4 w-4" />Print</Button>} />
      <ul className="label-sheet grid grid-cols-[repeat(auto-fill,minmax(62mm,1fr))] gap-3" aria-label="Label sheet">
        {(assets.data ?? []).map((a) => (
          <li key={a.id} className="label flex items-center gap-3 rounded-md border border-border bg-white p-3 text-black">
            <QrCode value={assetUrl(a.tag)} size={96} label={`QR code for ${a.tag}`} />
            <div className="min-w-0">
              <p className="text-base font-bold [overflow-wrap:anywhere]">{a.tag}</p>
              <p className="truncate text-sm">{a.name}</p>
              {a.serial && <p className="truncate text-xs">S/N {a.serial}</p>}
              <p className="text-xs">Scan to report a problem</p>
            </div>
          </li>))}
      </ul>
    </div>
  );
}
