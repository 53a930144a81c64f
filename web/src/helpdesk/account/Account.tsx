import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ShieldCheck } from 'lucide-react';
import { useState } from 'react';
import { supabase } from '@/lib/supabase';
import { Badge, Button, Card, CardContent, CardHeader, CardTitle, ConfirmDialog, ErrorMessage, FormField, Input, PageHeader, toast } from '@/ui';

interface Enrolment { factorId: string; qr: string; secret: string }

/** Two-factor sign-in with an authenticator app (TOTP): enrol, verify the first code, or remove it. */
export default function Account() {
  const client = useQueryClient();
  const factors = useQuery({
    queryKey: ['mfa-factors'],
    queryFn: async () => {
      const { data, error } = await supabase().auth.mfa.listFactors();
      if (error) throw error;
      return data.totp.filter((f) => f.status === 'verified');
    },
  });
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const refresh = () => client.invalidateQueries({ queryKey: ['mfa-factors'] });

  async function start() {
    setError(null); setBusy(true);
    const { data, error: failed } = await supabase().auth.mfa.enroll({ factorType: 'totp', friendlyName: `Authenticator ${new Date().toISOString().slice(0, 16)}` });
    setBusy(false);
    if (failed) { setError(failed); return; }
    setEnrolment({ factorId: data.id, qr: data.totp.qr_code, secret: data.totp.secret });
  }
  async function verify(event: React.FormEvent) {
    event.preventDefault();
    if (!enrolment) return;
    setError(null); setBusy(true);
    const { error: failed } = await supabase().auth.mfa.challengeAndVerify({ factorId: enrolment.factorId, code: code.trim() });
    setBusy(false);
    if (failed) { setError(failed); return; }
    setEnrolment(null); setCode(''); refresh();
    toast.success('Two-factor sign-in is on');
  }
  async function remove(id: string) {
    const { error: failed } = await supabase().auth.mfa.unenroll({ factorId: id });
    if (failed) { toast.error('Could not remove it', failed.message); throw failed; }
    refresh();
  }
  const active = factors.data ?? [];
  return (
    <div className="mx-auto max-w-xl">
      <PageHeader title="Account and security" />
      <Card>
        <CardHeader><CardTitle className="flex items-center gap-2"><ShieldCheck aria-hidden className="h-4 w-4" />Two-factor sign-in</CardTitle></CardHeader>
        <CardContent className="grid gap-3 text-sm">
          {factors.error && <ErrorMessage error={factors.error} />}
          {active.length > 0 ? (
            <div className="grid gap-2">
              <p><Badge tone="green">On</Badge> Signing in asks for a code from your authenticator app.</p>
              {active.map((f) => (
                <div key={f.id} className="flex items-center justify-between rounded border border-border p-2">
                  <span>{f.friendly_name || 'Authenticator app'}</span>
                  <ConfirmDialog title="Remove this authenticator?" destructive confirmLabel="Remove" onConfirm={() => remove(f.id)}
                    trigger={<Button size="sm" variant="outline">Remove</Button>} />
                </div>
              ))}
            </div>
          ) : !enrolment && (
            <>
              <p><Badge tone="neutral">Off</Badge> Add an authenticator app (any TOTP app) for a second step at sign-in.</p>
              <Button className="w-fit" onClick={start} loading={busy}>Set up two-factor sign-in</Button>
            </>
          )}
          {enrolment && (
            <form className="grid gap-3" onSubmit={verify}>
              <p>Scan this code with your authenticator app, or type the secret key, then enter the 6-digit code it shows.</p>
              <img src={enrolment.qr} alt="QR code for the authenticator app" className="h-44 w-44 rounded bg-white p-2" />
              <p>Secret key: <code data-testid="totp-secret" className="break-all rounded bg-muted px-1">{enrolment.secret}</code></p>
              <FormField label="Authentication code">
                <Input inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
              </FormField>
              <Button type="submit" className="w-fit" loading={busy} disabled={code.trim().length < 6}>Turn on</Button>
            </form>
          )}
          {error != null && <ErrorMessage title="That did not work" error={error} />}
        </CardContent>
      </Card>
    </div>
  );
}
