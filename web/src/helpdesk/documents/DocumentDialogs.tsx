import { useQuery } from '@tanstack/react-query';
import { Copy } from 'lucide-react';
import { useState } from 'react';
import { describeError } from '@/lib/errors';
import { Button, Dialog, ErrorMessage, FormField, Input, Select, Spinner, toast } from '@/ui';
import { formatBytes } from '../tickets/attachments';
import { isImage, isPdf, normalizeFolder, parseTags, signedUrl, useUpdateDocument, type Doc } from './queries';

/** Images through the transform endpoint (sized for the screen), PDFs in a frame of a short-lived signed URL. */
export function PreviewDialog({ doc, onClose, onDownload }: { doc: Doc; onClose: () => void; onDownload: () => void }) {
  const url = useQuery({
    queryKey: ['documents', 'preview', doc.id],
    enabled: isImage(doc) || isPdf(doc),
    staleTime: 10 * 60_000,
    queryFn: () => signedUrl(doc, 15 * 60, isImage(doc) ? { width: 1200 } : {}),
  });
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={doc.name} className="max-w-4xl"
      description={`${doc.folder} · ${formatBytes(doc.size_bytes)} · ${doc.content_type ?? 'unknown type'}`}
      footer={<Button onClick={onDownload}>Download</Button>}>
      {url.error ? <ErrorMessage error={url.error} title="Could not load the preview" />
        : url.isLoading ? <div className="flex justify-center p-8"><Spinner /></div>
        : isImage(doc) ? <img src={url.data} alt={doc.name} className="mx-auto max-h-[70vh] max-w-full rounded object-contain" />
        : isPdf(doc) ? <iframe src={url.data} title={`Preview of ${doc.name}`} className="h-[70vh] w-full rounded border border-border" />
        : <p className="text-sm text-muted-foreground">No preview for this kind of file. Download it to open it.</p>}
    </Dialog>
  );
}

const EXPIRIES = [
  { value: String(3600), label: '1 hour' }, { value: String(86400), label: '1 day' },
  { value: String(7 * 86400), label: '7 days' }, { value: String(30 * 86400), label: '30 days' },
];

/** A signed link anyone can open until it expires; the person picks how long. */
export function ShareDialog({ doc, onClose }: { doc: Doc; onClose: () => void }) {
  const [expiry, setExpiry] = useState(EXPIRIES[1].value);
  const [link, setLink] = useState<{ url: string; until: Date } | null>(null);
  const [busy, setBusy] = useState(false);
  async function make() {
    setBusy(true);
    try {
      const seconds = Number(expiry);
      setLink({ url: await signedUrl(doc, seconds, { download: false }), until: new Date(Date.now() + seconds * 1000) });
    } catch (e) { toast.error(describeError(e)); } finally { setBusy(false); }
  }
  async function copy() {
    if (!link) return;
    try { await navigator.clipboard.writeText(link.url); toast.success('Link copied'); }
    catch { toast.error('Copying is blocked here: select the link and copy it by hand'); }
  }
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={`Share ${doc.name}`}
      description="Anyone with the link can download the file until it expires.">
      <div className="flex items-end gap-2">
        <div className="flex-1"><FormField label="Link expires after">
          <Select value={expiry} onValueChange={(v) => { setExpiry(v); setLink(null); }} options={EXPIRIES} />
        </FormField></div>
        <Button onClick={make} loading={busy}>Create link</Button>
      </div>
      {link && (
        <div className="grid gap-1">
          <div className="flex gap-2">
            <Input readOnly aria-label="Share link" value={link.url} onFocus={(e) => e.target.select()} />
            <Button variant="outline" size="icon" aria-label="Copy link" onClick={copy}><Copy aria-hidden className="h-4 w-4" /></Button>
          </div>
          <p className="text-xs text-muted-foreground">Valid until {link.until.toLocaleString()}</p>
        </div>
      )}
    </Dialog>
  );
}

/** Rename, move to another folder, change tags. */
export function EditDialog({ doc, folders, onClose }: { doc: Doc; folders: string[]; onClose: () => void }) {
  const [name, setName] = useState(doc.name);
  const [folder, setFolder] = useState(doc.folder);
  const [tags, setTags] = useState(doc.tags.join(', '));
  const update = useUpdateDocument();
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={`Edit ${doc.name}`}
      footer={<Button loading={update.isPending} disabled={!name.trim()} onClick={async () => {
        await update.mutateAsync({ id: doc.id, name: name.trim(), folder: normalizeFolder(folder), tags: parseTags(tags) });
        toast.success('Document saved');
        onClose();
      }}>Save</Button>}>
      <FormField label="Name"><Input value={name} onChange={(e) => setName(e.target.value)} /></FormField>
      <FormField label="Folder" hint={`Existing: ${folders.join('  ')}`}><Input value={folder} onChange={(e) => setFolder(e.target.value)} /></FormField>
      <FormField label="Tags" hint="Comma separated"><Input value={tags} onChange={(e) => setTags(e.target.value)} /></FormField>
    </Dialog>
  );
}
