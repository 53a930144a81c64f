import { Paperclip, X } from 'lucide-react';
import { useId, useState, type DragEvent } from 'react';
import { Button, cn } from '@/ui';
import { formatBytes } from './attachments';

/** Files to attach: drop them on the area or pick them; the input is labelled "Attachments". */
export function AttachmentPicker({ files, onChange, label = 'Attachments' }: {
  files: File[]; onChange: (files: File[]) => void; label?: string;
}) {
  const id = useId();
  const [over, setOver] = useState(false);
  function add(list: FileList | null) { if (list?.length) onChange([...files, ...Array.from(list)]); }
  function drop(event: DragEvent) { event.preventDefault(); setOver(false); add(event.dataTransfer.files); }
  return (
    <div className="grid gap-2">
      <div onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={drop}
        className={cn('flex flex-col items-center gap-1 rounded-md border-2 border-dashed p-4 text-center text-sm text-muted-foreground',
          over ? 'border-primary bg-primary/5' : 'border-border')}>
        <Paperclip aria-hidden className="h-5 w-5" />
        <span>Drop files here, or <label htmlFor={id} className="cursor-pointer font-medium text-primary underline">choose files</label></span>
        <input id={id} type="file" multiple className="sr-only" aria-label={label}
          onChange={(e) => { add(e.target.files); e.target.value = ''; }} />
      </div>
      {files.length > 0 && (
        <ul className="grid gap-1 text-sm" aria-label="Files to attach">
          {files.map((f, i) => (
            <li key={`${f.name}-${i}`} className="flex items-center justify-between gap-2 rounded border border-border px-2 py-1">
              <span className="truncate">{f.name} <span className="text-muted-foreground">({formatBytes(f.size)})</span></span>
              <Button variant="ghost" size="icon" aria-label={`Remove ${f.name}`} onClick={() => onChange(files.filter((_, j) => j !== i))}>
                <X aria-hidden className="h-4 w-4" />
              </Button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
