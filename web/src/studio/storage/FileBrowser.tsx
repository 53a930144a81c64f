import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Download, Folder, Link2, Trash2, Upload } from 'lucide-react';
import { useRef, useState, type DragEvent } from 'react';
import { Button, ConfirmDialog, DataTable, Dialog, ErrorMessage, Input, Progress, toast, type Column } from '@/ui';
import { describeError } from '@/lib/errors';
import { api } from '../api';
import { useSession } from '../session';
import { objectUrl, uploadFile } from './upload';

interface Entry { name: string; id: string | null; updated_at?: string; metadata?: { size?: number; mimetype?: string } | null }

/** The files of one bucket, folder by folder: upload (drop or pick, with progress), download, move,
 * delete, signed URLs and image preview. */
export function FileBrowser({ bucket }: { bucket: string }) {
  const [prefix, setPrefix] = useState('');
  const [uploads, setUploads] = useState<Record<string, number>>({});
  const [dragging, setDragging] = useState(false);
  const [preview, setPreview] = useState<string | null>(null);
  const [signed, setSigned] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const client = useQueryClient();
  const { settings } = useSession();
  const listing = useQuery({
    queryKey: ['storage', 'objects', bucket, prefix],
    queryFn: () => api<Entry[]>(`/storage/v1/object/list/${encodeURIComponent(bucket)}`, {
      method: 'POST', body: { prefix, limit: 1000, offset: 0, sortBy: { column: 'name', order: 'asc' } } }),
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['storage', 'objects', bucket] });
  const pathOf = (entry: Entry) => `${prefix}${entry.name}`;

  async function upload(files: FileList | File[]) {
    for (const file of Array.from(files)) {
      const path = `${prefix}${file.name}`;
      try {
        await uploadFile(bucket, path, file, (fraction) => setUploads((u) => ({ ...u, [file.name]: fraction })));
        toast.success(`Uploaded ${file.name}`);
      } catch (error) {
        toast.error(`Could not upload ${file.name}`, describeError(error));
      } finally {
        setUploads((u) => { const next = { ...u }; delete next[file.name]; return next; });
      }
    }
    await refresh();
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    if (event.dataTransfer.files.length) void upload(event.dataTransfer.files);
  }

  async function move(entry: Entry) {
    const to = window.prompt(`Move ${pathOf(entry)} to`, pathOf(entry));
    if (!to || to === pathOf(entry)) return;
    try {
      await api('/storage/v1/object/move', { method: 'POST', body: { bucketId: bucket, sourceKey: pathOf(entry), destinationKey: to } });
      await refresh();
    } catch (error) { toast.error('Could not move the file', describeError(error)); }
  }

  async function sign(entry: Entry) {
    try {
      const answer = await api<{ signedURL: string }>(`/storage/v1/object/sign/${encodeURIComponent(bucket)}/${pathOf(entry)}`,
        { method: 'POST', body: { expiresIn: 3600 } });
      setSigned(`${settings.api_url}/storage/v1${answer.signedURL}`);
    } catch (error) { toast.error('Could not sign a URL', describeError(error)); }
  }

  const columns: Column<Entry>[] = [
    { id: 'name', header: 'Name', cell: (e) => (e.id === null
      ? <button type="button" className="inline-flex items-center gap-1 font-medium" onClick={() => setPrefix(`${prefix}${e.name}/`)}><Folder aria-hidden className="h-4 w-4" />{e.name}</button>
      : (e.metadata?.mimetype ?? '').startsWith('image/')
        ? <button type="button" className="underline" onClick={() => setPreview(pathOf(e))}>{e.name}</button>
        : <span>{e.name}</span>) },
    { id: 'size', header: 'Size', cell: (e) => (e.metadata?.size != null ? `${e.metadata.size.toLocaleString()} B` : '') },
    { id: 'type', header: 'Type', cell: (e) => e.metadata?.mimetype ?? '' },
    { id: 'updated', header: 'Updated', cell: (e) => (e.updated_at ? new Date(e.updated_at).toLocaleString() : '') },
    { id: 'actions', header: 'Actions', cell: (e) => e.id !== null && (
      <div className="flex gap-1">
        <Button asChild variant="ghost" size="icon"><a href={`${objectUrl(bucket, pathOf(e))}?download`} download={e.name} aria-label={`Download ${e.name}`}><Download aria-hidden className="h-4 w-4" /></a></Button>
        <Button variant="ghost" size="icon" aria-label={`Signed URL for ${e.name}`} onClick={() => void sign(e)}><Link2 aria-hidden className="h-4 w-4" /></Button>
        <Button variant="ghost" size="sm" onClick={() => void move(e)}>Move</Button>
        <ConfirmDialog title={`Delete ${e.name}?`} destructive confirmLabel="Delete"
          onConfirm={async () => { await api(`/storage/v1/object/${encodeURIComponent(bucket)}`, { method: 'DELETE', body: { prefixes: [pathOf(e)] } }); await refresh(); }}
          trigger={<Button variant="ghost" size="icon" aria-label={`Delete ${e.name}`}><Trash2 aria-hidden className="h-4 w-4" /></Button>} />
      </div>
    ) },
  ];

  const crumbs = prefix.split('/').filter(Boolean);
  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap items-center gap-1 text-sm">
        <button type="button" className="underline" onClick={() => setPrefix('')}>{bucket}</button>
        {crumbs.map((c, i) => (
          <span key={i}> / <button type="button" className="underline" onClick={() => setPrefix(`${crumbs.slice(0, i + 1).join('/')}/`)}>{c}</button></span>
        ))}
      </div>
      <div onDragOver={(e) => { e.preventDefault(); setDragging(true); }} onDragLeave={() => setDragging(false)} onDrop={onDrop}
        className={`grid place-items-center gap-2 rounded-md border-2 border-dashed p-6 text-sm ${dragging ? 'border-primary bg-primary/5' : 'border-border'}`}>
        <p>Drop files here to upload them to <code>{bucket}/{prefix}</code></p>
        <input ref={picker} type="file" multiple className="sr-only" aria-label="Choose files to upload" onChange={(e) => { if (e.target.files) void upload(e.target.files); e.target.value = ''; }} />
        <Button variant="outline" onClick={() => picker.current?.click()}><Upload aria-hidden className="h-4 w-4" />Upload files</Button>
        {Object.entries(uploads).map(([name, fraction]) => (
          <div key={name} className="w-full max-w-sm text-xs">{name}<Progress value={Math.round(fraction * 100)} label={`Uploading ${name}`} /></div>
        ))}
      </div>
      {listing.error && <ErrorMessage error={listing.error} />}
      <DataTable label={`Files in ${bucket}`} columns={columns} rows={listing.data ?? []} rowId={(e) => e.id ?? `dir:${e.name}`} loading={listing.isLoading}
        empty={<p className="p-4 text-sm text-muted-foreground">No files here yet.</p>} />
      <Dialog open={preview !== null} onOpenChange={(o) => { if (!o) setPreview(null); }} title={preview ?? ''}>
        {preview && <img src={objectUrl(bucket, preview)} alt={preview} className="max-h-[70vh] w-full object-contain" />}
      </Dialog>
      <Dialog open={signed !== null} onOpenChange={(o) => { if (!o) setSigned(null); }} title="Signed URL (valid for one hour)">
        <Input readOnly aria-label="Signed URL" value={signed ?? ''} onFocus={(e) => e.target.select()} />
        <Button onClick={() => { void navigator.clipboard?.writeText(signed ?? ''); toast.success('Copied'); }}>Copy</Button>
      </Dialog>
    </div>
  );
}
