import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import { useState } from 'react';
import { Badge, Button, Checkbox, Dialog, EmptyState, ErrorMessage, FormField, Input, Label, PageHeader, cn, toast } from '@/ui';
import { api } from '../api';
import { FileBrowser } from './FileBrowser';

export interface Bucket { id: string; name: string; public: boolean; file_size_limit: number | null; allowed_mime_types: string[] | null; created_at: string }

/** Buckets on the left (create, public/private, limits), the chosen bucket's files on the right. */
export default function StoragePage() {
  const buckets = useQuery({ queryKey: ['storage', 'buckets'], queryFn: () => api<Bucket[]>('/storage/v1/bucket') });
  const [chosen, setChosen] = useState<string | null>(null);
  const [editing, setEditing] = useState<Bucket | 'new' | null>(null);
  const bucket = buckets.data?.find((b) => b.id === chosen);
  return (
    <div className="grid gap-4 lg:grid-cols-[16rem_1fr]">
      <div className="grid content-start gap-2">
        <Button variant="outline" onClick={() => setEditing('new')}><Plus aria-hidden className="h-4 w-4" />New bucket</Button>
        {buckets.error && <ErrorMessage error={buckets.error} />}
        <nav aria-label="Buckets">
          <ul className="grid gap-0.5">
            {(buckets.data ?? []).map((b) => (
              <li key={b.id}>
                <button type="button" onClick={() => setChosen(b.id)}
                  className={cn('flex w-full items-center justify-between rounded-md px-3 py-1.5 text-left text-sm hover:bg-accent', b.id === chosen && 'bg-accent font-medium')}>
                  <span className="truncate">{b.name}</span>
                  <Badge tone={b.public ? 'amber' : 'neutral'}>{b.public ? 'public' : 'private'}</Badge>
                </button>
              </li>
            ))}
          </ul>
        </nav>
      </div>
      <div className="min-w-0">
        {bucket ? (
          <>
            <PageHeader title={bucket.name} actions={<Button variant="outline" onClick={() => setEditing(bucket)}>Bucket settings</Button>}>
              <p className="text-xs text-muted-foreground">
                {bucket.public ? 'Public' : 'Private'} · size limit {bucket.file_size_limit ? `${bucket.file_size_limit.toLocaleString()} bytes` : 'none'}{' '}
                · types {bucket.allowed_mime_types?.join(', ') || 'any'}
              </p>
            </PageHeader>
            <FileBrowser key={bucket.id} bucket={bucket.id} />
          </>
        ) : <><PageHeader title="Storage" /><EmptyState title="Choose a bucket" description="Or create one with New bucket." /></>}
      </div>
      <BucketDialog bucket={editing} onClose={() => setEditing(null)} onSaved={(id) => setChosen(id)} />
    </div>
  );
}

function BucketDialog({ bucket, onClose, onSaved }: { bucket: Bucket | 'new' | null; onClose: () => void; onSaved: (id: string) => void }) {
  const existing = bucket !== null && bucket !== 'new' ? bucket : null;
  const [name, setName] = useState('');
  const [isPublic, setPublic] = useState(false);
  const [limit, setLimit] = useState('');
  const [types, setTypes] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [loadedFor, setLoadedFor] = useState<Bucket | 'new' | null>(null);
  const client = useQueryClient();
  if (bucket !== loadedFor) {
    setLoadedFor(bucket);
    setName(existing?.name ?? '');
    setPublic(existing?.public ?? false);
    setLimit(existing?.file_size_limit ? String(existing.file_size_limit) : '');
    setTypes(existing?.allowed_mime_types?.join(', ') ?? '');
    setError(null);
  }

  async function save() {
    setBusy(true);
    try {
      const body = { id: name, name, public: isPublic, file_size_limit: limit ? Number(limit) : null,
        allowed_mime_types: types.trim() ? types.split(',').map((t) => t.trim()).filter(Boolean) : null };
      if (existing) await api(`/storage/v1/bucket/${encodeURIComponent(existing.id)}`, { method: 'PUT', body });
      else await api('/storage/v1/bucket', { method: 'POST', body });
      await client.invalidateQueries({ queryKey: ['storage', 'buckets'] });
      toast.success(existing ? 'Bucket saved' : `Bucket ${name} created`);
      onClose();
      onSaved(existing?.id ?? name);
    } catch (caught) { setError(caught); } finally { setBusy(false); }
  }

  async function remove() {
    if (!existing || !window.confirm(`Empty and delete bucket ${existing.name}?`)) return;
    try {
      await api(`/storage/v1/bucket/${encodeURIComponent(existing.id)}/empty`, { method: 'POST' });
      await api(`/storage/v1/bucket/${encodeURIComponent(existing.id)}`, { method: 'DELETE' });
      await client.invalidateQueries({ queryKey: ['storage', 'buckets'] });
      onClose();
    } catch (caught) { setError(caught); }
  }

  return (
    <Dialog open={bucket !== null} onOpenChange={(o) => { if (!o) onClose(); }} title={existing ? `Bucket ${existing.name}` : 'New bucket'}
      footer={<>{existing && <Button variant="destructive" onClick={remove}>Delete bucket</Button>}<Button loading={busy} onClick={save}>{existing ? 'Save bucket' : 'Create bucket'}</Button></>}>
      <FormField label="Bucket name"><Input value={name} disabled={!!existing} onChange={(e) => setName(e.target.value)} /></FormField>
      <div className="flex items-center gap-2">
        <Checkbox id="bucket-public" checked={isPublic} onCheckedChange={(v) => setPublic(v === true)} />
        <Label htmlFor="bucket-public">Public bucket (anyone with the URL can read its files)</Label>
      </div>
      <FormField label="File size limit (bytes)" hint="Empty for no limit"><Input type="number" min={0} value={limit} onChange={(e) => setLimit(e.target.value)} /></FormField>
      <FormField label="Allowed MIME types" hint="Comma separated, e.g. image/png, image/*; empty allows any"><Input value={types} onChange={(e) => setTypes(e.target.value)} /></FormField>
      {error != null && <ErrorMessage error={error} title="The bucket was not saved" />}
    </Dialog>
  );
}
