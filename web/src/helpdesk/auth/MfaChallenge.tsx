import { useState } from 'react';
import { supabase } from '@/lib/supabase';
import { Button, ErrorMessage, FormField, Input } from '@/ui';

/** True when the session has a verified TOTP factor but has not passed it yet (aal1 → aal2). */
export async function needsMfa(): Promise<boolean> {
  const { data, error } = await supabase().auth.mfa.getAuthenticatorAssuranceLevel();
  return !error && data.currentLevel === 'aal1' && data.nextLevel === 'aal2';
}

/** Asks for the 6-digit code of the account's TOTP factor and upgrades the session to aal2. */
export function MfaChallenge({ onDone }: { onDone: () => void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function verify(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true); setError(null);
    try {
      const factors = await supabase().auth.mfa.listFactors();
      if (factors.error) throw factors.error;
      const factor = factors.data.totp[0];
      if (!factor) throw new Error('This account has no authenticator app set up');
      const { error: failed } = await supabase().auth.mfa.challengeAndVerify({ factorId: factor.id, code: code.trim() });
      if (failed) throw failed;
      onDone();
    } catch (e) { setError(e); } finally { setBusy(false); }
  }
  return (
    <form className="grid gap-4" onSubmit={verify}>
      <p className="text-sm text-muted-foreground">Enter the 6-digit code from your authenticator app.</p>
      <FormField label="Authentication code">
        <Input inputMode="numeric" autoComplete="one-time-code" autoFocus value={code} onChange={(e) => setCode(e.target.value)} />
      </FormField>
      {error != null && <ErrorMessage title="Could not verify" error={error} />}
      <Button type="submit" loading={busy} disabled={code.trim().length < 6}>Verify</Button>
      <Button variant="link" onClick={() => supabase().auth.signOut()}>Use another account</Button>
    </form>
  );
}
