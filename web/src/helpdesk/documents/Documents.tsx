import { useQueryClient } from '@tanstack/react-query';
import { Download, Eye, Folder, FolderPlus, Link2, Pencil, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useUser } from '@/lib/auth';
import { describeError } from '@/lib/errors';
import {
  Badge, Button, Card, ConfirmDialog, DataTable, DropZone, EmptyState, ErrorMessage, FormField, Input, PageHeader,
  Select, UploadList, cn, toast, type Column, type UploadItem,
} from '@/ui';
import { formatBytes } from '../tickets/attachments';
import { useMe } from '../role';
import { EditDialog, PreviewDialog, ShareDialog } from './DocumentDialogs';
import {
  normalizeFolder, parseTags, signedUrl, uploadDocument, useDeleteDocument, useDocuments, useFoldersAndTags, type Doc,
} from './queries';

/** The document hub: folders on the left, the files of one folder (or all) with tags, previews and share links. */
export default function Documents() {
  const [params, setParams] = useSearchParams();
  const folder = params.get('folder');
  const tag = params.get('tag') ?? '';
  const q = params.get('q') ?? '';
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value); else next.delete(key);
    setParams(next, { replace: true });
  };
  const me = useMe();
  const canWrite = me.data?.role === 'agent' || me.data?.role === 'admin';
  const docs = useDocuments({ folder, tag, q });
  const facets = useFoldersAndTags();
  const [extraFolders, setExtraFolders] = useState<string[]>([]);
  const [preview, setPreview] = useState<Doc | null>(null);
  const [share, setShare] = useState<Doc | null>(null);
  const [edit, setEdit] = useState<Doc | null>(null);
  const [removing, setRemoving] = useState<Doc | null>(null);
  const remove = useDeleteDocument();
  const folders = [...new Set([...(facets.data?.folders ?? ['/']), ...extraFolders])].sort();

  async function download(doc: Doc) {
    try { window.location.assign(await signedUrl(doc, 60, { download: true })); }
    catch (e) { toast.error(describeError(e)); }
  }
  const columns: Column<Doc>[] = [
    { id: 'name', header: 'Name', cell: (d) => (
      <button type="button" className="text-left font-medium hover:underline" onClick={() => setPreview(d)}>{d.name}</button>) },
    { id: 'folder', header: 'Folder', cell: (d) => <span className="text-muted-foreground">{d.folder}</span>, className: 'hidden md:table-cell' },
    { id: 'tags', header: 'Tags', cell: (d) => <div className="flex flex-wrap gap-1">{d.tags.map((t) => <Badge key={t}>{t}</Badge>)}</div> },
    { id: 'size', header: 'Size', cell: (d) => formatBytes(d.size_bytes), className: 'hidden sm:table-cell' },
    { id: 'created', header: 'Uploaded', cell: (d) => new Date(d.created_at).toLocaleDateString(), className: 'hidden lg:table-cell' },
    { id: 'actions', header: 'Actions', cell: (d) => (
      <div className="flex gap-1" onClick={(e) => e.stopPropagation()}>
        <IconButton label={`Preview ${d.name}`} icon={Eye} onClick={() => setPreview(d)} />
        <IconButton label={`Download ${d.name}`} icon={Download} onClick={() => download(d)} />
        <IconButton label={`Share ${d.name}`} icon={Link2} onClick={() => setShare(d)} />
        {canWrite && <IconButton label={`Edit ${d.name}`} icon={Pencil} onClick={() => setEdit(d)} />}
        {canWrite && <IconButton label={`Delete ${d.name}`} icon={Trash2} onClick={() => setRemoving(d)} />}
      </div>) },
  ];

  return (
    <div>
      <PageHeader title="Documents" />
      <div className="grid gap-4 lg:grid-cols-[14rem_1fr]">
        <FolderList folders={folders} current={folder} onPick={(f) => set('folder', f)}
          onCreate={canWrite ? (f) => { setExtraFolders((x) => [...x, f]); set('folder', f); } : undefined} />
        <div className="grid min-w-0 gap-4">
          {canWrite && <Uploader folder={folder ?? '/'} />}
          <div className="grid gap-3 sm:grid-cols-2">
            <FormField label="Search documents"><Input type="search" defaultValue={q} placeholder="Name contains…"
              onChange={(e) => set('q', e.target.value.trim() || null)} /></FormField>
            <FormField label="Tag"><Select value={tag} onValueChange={(v) => set('tag', v || null)} allowNone="Any tag"
              options={(facets.data?.tags ?? []).map((t) => ({ value: t, label: t }))} /></FormField>
          </div>
          {docs.error ? <ErrorMessage error={docs.error} retry={() => docs.refetch()} title="Could not load documents" />
            : <DataTable label="Documents" columns={columns} rows={docs.data ?? []} rowId={(d) => d.id} loading={docs.isLoading}
                onOpen={setPreview}
                empty={<EmptyState title="No documents here" description={canWrite ? 'Drop files above to upload them.' : 'Nothing has been shared in this folder yet.'} />} />}
        </div>
      </div>
      {preview && <PreviewDialog doc={preview} onClose={() => setPreview(null)} onDownload={() => download(preview)} />}
      {share && <ShareDialog doc={share} onClose={() => setShare(null)} />}
      {edit && <EditDialog doc={edit} folders={folders} onClose={() => setEdit(null)} />}
      <ConfirmDialog open={!!removing} onOpenChange={(o) => !o && setRemoving(null)} destructive confirmLabel="Delete"
        title={`Delete ${removing?.name ?? 'document'}?`} description="The file is removed for everyone, and its share links stop working."
        onConfirm={async () => { if (removing) { await remove.mutateAsync(removing); toast.success('Document deleted'); } }} />
    </div>
  );
}

function IconButton({ label, icon: Icon, onClick }: { label: string; icon: typeof Eye; onClick: () => void }) {
  return <Button variant="ghost" size="icon" aria-label={label} title={label} onClick={onClick}><Icon aria-hidden className="h-4 w-4" /></Button>;
}

function FolderList({ folders, current, onPick, onCreate }: {
  folders: string[]; current: string | null; onPick: (f: string | null) => void; onCreate?: (f: string) => void;
}) {
  const [name, setName] = useState('');
  return (
    <Card className="h-fit p-2">
      <nav aria-label="Folders">
        <ul className="grid gap-0.5 text-sm">
          <FolderItem label="All documents" active={current === null} onClick={() => onPick(null)} />
          {folders.map((f) => <FolderItem key={f} label={f === '/' ? 'Top level' : f} active={current === f} onClick={() => onPick(f)} />)}
        </ul>
      </nav>
      {onCreate && (
        <form className="mt-2 flex gap-1 border-t border-border pt-2" onSubmit={(e) => {
          e.preventDefault();
          const f = normalizeFolder(`${current && current !== '/' ? current : ''}/${name}`);
          if (f !== '/') { onCreate(f); setName(''); }
        }}>
          <Input aria-label="New folder name" placeholder="New folder" value={name} onChange={(e) => setName(e.target.value)} />
          <Button type="submit" variant="outline" size="icon" aria-label="Create folder"><FolderPlus aria-hidden className="h-4 w-4" /></Button>
        </form>
      )}
    </Card>
  );
}

function FolderItem({ label, active, onClick }: { label: string; active: boolean; onClick: () => void }) {
  return (
    <li><button type="button" aria-current={active ? 'true' : undefined} onClick={onClick}
      className={cn('flex w-full items-center gap-2 truncate rounded-md px-2 py-1.5 text-left', active ? 'bg-accent font-medium' : 'hover:bg-accent/60')}>
      <Folder aria-hidden className="h-4 w-4 shrink-0" />{label}</button></li>
  );
}

/** Drop or pick many files; each uploads with its own progress bar into the current folder with the given tags. */
function Uploader({ folder }: { folder: string }) {
  const user = useUser();
  const client = useQueryClient();
  const [tags, setTags] = useState('');
  const [items, setItems] = useState<UploadItem[]>([]);
  const patch = (key: string, change: Partial<UploadItem>) => setItems((xs) => xs.map((x) => (x.key === key ? { ...x, ...change } : x)));

  async function start(files: File[]) {
    const batch = files.map((f) => ({ key: crypto.randomUUID(), name: f.name, loaded: 0, total: f.size, file: f }));
    setItems((xs) => [...xs.filter((x) => !x.done), ...batch.map(({ file: _f, ...rest }) => rest)]);
    const chosen = parseTags(tags);
    let ok = 0;
    await Promise.all(batch.map(async (b) => {
      try {
        await uploadDocument(b.file, folder, chosen, user!.id, (loaded, total) => patch(b.key, { loaded, total }));
        patch(b.key, { done: true, loaded: b.total });
        ok += 1;
      } catch (e) { patch(b.key, { error: describeError(e) }); }
    }));
    await client.invalidateQueries({ queryKey: ['documents'] });
    if (ok) toast.success(ok === 1 ? 'Document uploaded' : `${ok} documents uploaded`);
  }
  return (
    <Card className="grid gap-3 p-4">
      <div className="grid gap-3 sm:grid-cols-[1fr_16rem] sm:items-end">
        <DropZone label="Upload documents" hint={`Drop files here or click to choose (to ${folder === '/' ? 'the top level' : folder}, up to 50 MB each)`} onFiles={start} />
        <FormField label="Tags for new uploads" hint="Comma separated"><Input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="contract, vpn" /></FormField>
      </div>
      <UploadList items={items} />
    </Card>
  );
}
