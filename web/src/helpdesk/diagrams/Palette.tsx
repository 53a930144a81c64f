import { Plus } from 'lucide-react';
import { Button, Card, Spinner } from '@/ui';
import type { PaletteItem } from './queries';

/** The devices that may be placed: drag one onto the canvas, or press its + button. */
export function Palette({ items, placed, loading, onAdd }: {
  items: PaletteItem[]; placed: Set<string>; loading: boolean; onAdd: (key: string) => void;
}) {
  return (
    <Card className="grid min-w-0 max-h-[44rem] content-start gap-2 overflow-y-auto p-3">
      <h2 className="text-sm font-semibold">Devices</h2>
      <p className="text-xs text-muted-foreground">Drag onto the canvas to place.</p>
      {loading && <Spinner />}
      {!loading && items.length === 0 && <p className="text-sm text-muted-foreground">No devices or assets here yet.</p>}
      <ul className="grid min-w-0 gap-1" aria-label="Devices to place">
        {items.map((item) => (
          <li key={item.key} draggable={!placed.has(item.key)} aria-label={item.label}
            onDragStart={(e) => { e.dataTransfer.setData('application/x-diagram-item', item.key); e.dataTransfer.setData('text/plain', item.key); e.dataTransfer.effectAllowed = 'copy'; }}
            className={`flex min-w-0 items-center justify-between gap-2 rounded border border-border px-2 py-1 text-sm ${placed.has(item.key) ? 'opacity-50' : 'cursor-grab bg-card'}`}>
            <span className="min-w-0 flex-1"><span className="block truncate">{item.label}</span>
              <span className="block truncate text-xs text-muted-foreground">{[item.kind.replace('_', ' '), item.branch].filter(Boolean).join(' · ')}</span></span>
            <Button size="icon" variant="ghost" aria-label={`Place ${item.label}`} disabled={placed.has(item.key)} onClick={() => onAdd(item.key)}>
              <Plus aria-hidden className="h-4 w-4" /></Button>
          </li>))}
      </ul>
    </Card>
  );
}
