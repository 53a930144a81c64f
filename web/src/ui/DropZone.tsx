import { Upload } from 'lucide-react';
import { useId, useState, type DragEvent } from 'react';
import { cn } from './cn';
import { Progress } from './Progress';

/**
 * A labelled file input that also takes files dropped on it (many at once). The input stays in the
 * accessibility tree (visually hidden), so keyboards, screen readers and tests use it by its label.
 */
export function DropZone({ label, hint, onFiles, multiple = true, accept, disabled }: {
  label: string; hint?: string; onFiles: (files: File[]) => void; multiple?: boolean; accept?: string; disabled?: boolean;
}) {
  const id = useId();
  const [over, setOver] = useState(false);
  function drop(event: DragEvent<HTMLLabelElement>) {
    event.preventDefault();
    setOver(false);
    if (disabled) return;
    const files = Array.from(event.dataTransfer.files);
    if (files.length) onFiles(multiple ? files : files.slice(0, 1));
  }
  return (
    <label htmlFor={id} onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={drop}
      className={cn('flex cursor-pointer flex-col items-center justify-center gap-1 rounded-lg border-2 border-dashed border-border p-6 text-center text-sm',
        'focus-within:ring-2 focus-within:ring-ring', over && 'border-primary bg-accent/50', disabled && 'cursor-not-allowed opacity-60')}>
      <Upload aria-hidden className="h-6 w-6 text-muted-foreground" />
      <span className="font-medium">{label}</span>
      {hint && <span className="text-xs text-muted-foreground">{hint}</span>}
      <input id={id} type="file" className="sr-only" multiple={multiple} accept={accept} disabled={disabled}
        onChange={(e) => { const files = Array.from(e.target.files ?? []); e.target.value = ''; if (files.length) onFiles(files); }} />
    </label>
  );
}

export interface UploadItem { key: string; name: string; loaded: number; total: number; error?: string; done?: boolean }

/** One row per file being uploaded: its name, a progress bar labelled with the name, and any error. */
export function UploadList({ items }: { items: UploadItem[] }) {
  if (!items.length) return null;
  return (
    <ul aria-label="Uploads" className="grid gap-2">
      {items.map((item) => (
        <li key={item.key} className="grid gap-1 text-sm">
          <div className="flex justify-between gap-2">
            <span className="truncate">{item.name}</span>
            <span className={cn('shrink-0 text-xs', item.error ? 'text-destructive' : 'text-muted-foreground')}>
              {item.error ?? (item.done ? 'Uploaded' : `${Math.round((item.loaded / Math.max(item.total, 1)) * 100)}%`)}
            </span>
          </div>
          <Progress value={item.total ? (item.loaded / item.total) * 100 : 0} label={`Uploading ${item.name}`} />
        </li>
      ))}
    </ul>
  );
}
