import { useState } from 'react';
import { Button, Checkbox, Dialog, ErrorMessage, FormField, Input, Label, toast } from '@/ui';
import { api } from '../api';

/** Create a user with a password (optionally confirmed at once), or invite one by email. */
export function CreateUserDialog({ mode, onClose, onDone }: { mode: 'create' | 'invite' | null; onClose: () => void; onDone: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      if (mode === 'invite') await api('/auth/v1/invite', { method: 'POST', body: { email } });
      else await api('/auth/v1/admin/users', { method: 'POST', body: { email, password, email_confirm: confirm } });
      toast.success(mode === 'invite' ? `Invitation sent to ${email}` : `User ${email} created`);
      setEmail(''); setPassword('');
      onClose();
      onDone();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={mode !== null} onOpenChange={(o) => { if (!o) onClose(); }} title={mode === 'invite' ? 'Invite a user' : 'Create a user'}
      description={mode === 'invite' ? 'They get an email with a link to set their password.' : undefined}
      footer={<Button loading={busy} onClick={submit}>{mode === 'invite' ? 'Send invitation' : 'Create user'}</Button>}>
      <FormField label="Email address"><Input type="email" value={email} onChange={(e) => setEmail(e.target.value)} /></FormField>
      {mode === 'create' && <>
        <FormField label="User password"><Input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} /></FormField>
        <div className="flex items-center gap-2">
          <Checkbox id="confirm-email" checked={confirm} onCheckedChange={(v) => setConfirm(v === true)} />
          <Label htmlFor="confirm-email">Mark the email as confirmed</Label>
        </div>
      </>}
      {error != null && <ErrorMessage error={error} title="That did not work" />}
    </Dialog>
  );
}
