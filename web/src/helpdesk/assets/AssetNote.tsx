import { Boxes } from 'lucide-react';
import { useAsset, useAssetLabel } from './queries';

/** "About: LT-0042 Reception laptop" on a new ticket opened from an asset's page. */
export function AssetNote({ id }: { id: string }) {
  const asset = useAsset(id);
  const label = useAssetLabel(id, asset.isSuccess && !asset.data);
  const shown = asset.data ?? label.data;
  return (
    <p className="flex items-center gap-2 rounded-md border border-border bg-muted/40 p-2 text-sm" role="note">
      <Boxes aria-hidden className="h-4 w-4" />
      About the asset <strong>{shown ? `${shown.tag} · ${shown.name}` : '…'}</strong>
    </p>
  );
}
