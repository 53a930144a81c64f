import { useMutation } from '@tanstack/react-query';
import { Copy, Eye, EyeOff, Plus, Trash2 } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useUser } from '@/lib/auth';
import { helpdesk } from '@/lib/supabase';
import {
  Badge, Button, ConfirmDialog, DataTable, Dialog, EmptyState, ErrorMessage, FormField, Input, Select, Textarea, toast, type Column,
} from '@/ui';
import { useOptions, useRemove, useRows, useSave } from './queries';

interface Credential {
  id: string; name: string; kind: string; branch_id: string | null; username: string | null; url: string | null;
  notes: string | null; created_at: string;
}
const KINDS = [{ value: 'vpn', label: 'VPN' }, { value: 'rdp', label: 'Remote desktop' }, { value: 'wifi', label: 'Wi-Fi' }, { value: 'other', label: 'Other' }];
const SHOW_SECONDS = 20;

/**
 * The credentials vault. The list never carries secrets; "Reveal" calls helpdesk.reveal_credential, which
 * checks the role and writes the audit log, and the secret is shown for 20 seconds only.
 */
export default function Vault() {
  const rows = useRows<Credential>('credentials', 'id, name, kind, branch_id, username, url, notes, created_at');
  const branches = useOptions('branches');
  const remove = useRemove('credentials');
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Credential | null>(null);
  const columns: Column<Credential>[] = [
    { id: 'name', header: 'Name', cell: (c) => <span className="font-medium">{c.name}</span> },
    { id: 'kind', header: 'Kind', cell: (c) => <Badge>{KINDS.find((k) => k.value === c.kind)?.label ?? c.kind}</Badge> },
    { id: 'username', header: 'Username', cell: (c) => <span className="font-mono text-xs">{c.username}</span>, className: 'hidden md:table-cell' },
    { id: 'branch', header: 'Branch', cell: (c) => branches.find((b) => b.value === c.branch_id)?.label ?? '', className: 'hidden lg:table-cell' },
    { id: 'secret', header: 'Secret', cell: (c) => <Secret credential={c} /> },
    { id: 'actions', header: 'Actions', cell: (c) => (
      <Button variant="ghost" size="icon" aria-label={`Delete ${c.name}`} onClick={() => setRemoving(c)}><Trash2 aria-hidden className="h-4 w-4" /></Button>) },
  ];
  return (
    <section aria-label="Credentials vault" className="grid gap-3">
      <div className="flex items-center justify-between gap-2">
        <div><h2 className="text-lg font-semibold">Credentials vault</h2>
          <p className="text-sm text-muted-foreground">Secrets are encrypted in the database; every reveal is written to the audit history.</p></div>
        <Button size="sm" onClick={() => setAdding(true)}><Plus aria-hidden className="h-4 w-4" />Add credential</Button>
      </div>
      {rows.error ? <ErrorMessage error={rows.error} retry={() => rows.refetch()} />
        : <DataTable label="Credentials" columns={columns} rows={rows.data ?? []} rowId={(c) => c.id} loading={rows.isLoading}
            empty={<EmptyState title="The vault is empty" />} />}
      {adding && <AddCredential branches={branches} onClose={() => setAdding(false)} />}
      <ConfirmDialog open={!!removing} onOpenChange={(o) => !o && setRemoving(null)} destructive confirmLabel="Delete"
        title={`Delete ${removing?.name ?? 'credential'}?`} description="The secret is gone for good."
        onConfirm={async () => { if (removing) { await remove.mutateAsync(removing.id); toast.success('Credential deleted'); } }} />
    </section>
  );
}

function Secret({ credential }: { credential: Credential }) {
  const [secret, setSecret] = useState<string | null>(null);
  const [left, setLeft] = useState(0);
  const reveal = useMutation({
    mutationFn: async () => {
      const { data, error } = await helpdesk().rpc('reveal_credential', { id: credential.id });
      if (error) throw error;
      return (data as string | null) ?? '';
    },
    onSuccess: (s) => { setSecret(s); setLeft(SHOW_SECONDS); },
  });
  useEffect(() => {
    if (secret === null) return undefined;
    if (left <= 0) { setSecret(null); return undefined; }
    const t = setTimeout(() => setLeft((n) => n - 1), 1000);
    return () => clearTimeout(t);
  }, [secret, left]);
  if (secret === null) {
    return <Button size="sm" variant="outline" loading={reveal.isPending} onClick={() => reveal.mutate()} aria-label={`Reveal secret of ${credential.name}`}>
      <Eye aria-hidden className="h-4 w-4" />Reveal</Button>;
  }
  return (
    <div className="flex items-center gap-1">
      <code aria-label={`Secret of ${credential.name}`} className="rounded bg-muted px-2 py-1 text-xs">{secret || '(empty)'}</code>
      <Button variant="ghost" size="icon" aria-label={`Copy secret of ${credential.name}`} onClick={async () => {
        try { await navigator.clipboard.writeText(secret); toast.success('Secret copied'); } catch { toast.error('Copying is blocked here'); }
      }}><Copy aria-hidden className="h-4 w-4" /></Button>
      <Button variant="ghost" size="icon" aria-label={`Hide secret of ${credential.name}`} onClick={() => setSecret(null)}><EyeOff aria-hidden className="h-4 w-4" /></Button>
      <span className="text-xs text-muted-foreground">{left}s</span>
    </div>
  );
}

function AddCredential({ branches, onClose }: { branches: { value: string; label: string }[]; onClose: () => void }) {
  const user = useUser();
  const save = useSave('credentials');
  const [v, setV] = useState({ name: '', kind: 'other', branch_id: '', username: '', url: '', notes: '', secret: '' });
  const [error, setError] = useState('');
  const field = (k: keyof typeof v) => ({ value: v[k], onChange: (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value }) });
  async function submit() {
    if (!v.name.trim()) { setError('Name is required'); return; }
    await save.mutateAsync({ values: {
      name: v.name.trim(), kind: v.kind, branch_id: v.branch_id || null, username: v.username || null, url: v.url || null,
      notes: v.notes || null, new_secret: v.secret || null, created_by: user.id,
    } });
    toast.success('Credential saved');
    onClose();
  }
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title="Add credential" footer={<Button loading={save.isPending} onClick={submit}>Save credential</Button>}>
      <FormField label="Name" error={error}><Input {...field('name')} /></FormField>
      <FormField label="Kind"><Select value={v.kind} onValueChange={(kind) => setV({ ...v, kind })} options={KINDS} /></FormField>
      <FormField label="Branch"><Select value={v.branch_id} onValueChange={(branch_id) => setV({ ...v, branch_id })} options={branches} allowNone="No branch" /></FormField>
      <FormField label="Username"><Input autoComplete="off" {...field('username')} /></FormField>
      <FormField label="Secret" hint="Encrypted on save; only admins can reveal it, and each reveal is logged"><Input type="password" autoComplete="new-password" {...field('secret')} /></FormField>
      <FormField label="URL or host"><Input {...field('url')} /></FormField>
      <FormField label="Notes"><Textarea rows={3} {...field('notes')} /></FormField>
    </Dialog>
  );
}
