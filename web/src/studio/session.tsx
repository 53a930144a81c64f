import { createContext, useCallback, useContext, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Button, Card, ErrorMessage, FormField, Input, Spinner, ThemeToggle } from '@/ui';
import { api, ApiError, setCsrf, whenSignedOut } from './api';

export interface Settings { api_url: string; anon_key: string; mail_url: string | null; services: string[]; statement_timeout_seconds: number }
interface SessionInfo { username: string; csrf_token: string; expires_at: string }
interface SessionState { username: string; settings: Settings; signOut: () => Promise<void> }

const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside <SessionGate>');
  return value;
}

/** Shows the sign-in form until the server says there is a live console session, then the console. */
export function SessionGate({ children }: { children: ReactNode }) {
  const [state, setState] = useState<'loading' | 'signed-out' | { username: string; settings: Settings }>('loading');

  const adopt = useCallback(async (info: SessionInfo) => {
    setCsrf(info.csrf_token);
    const settings = await api<Settings>('/settings');
    setState({ username: info.username, settings });
  }, []);

  useEffect(() => {
    whenSignedOut(() => { setCsrf(null); setState('signed-out'); });
    api<SessionInfo>('/session').then(adopt).catch(() => setState('signed-out'));
  }, [adopt]);

  const signOut = useCallback(async () => {
    try { await api('/logout', { method: 'POST' }); } finally { setCsrf(null); setState('signed-out'); }
  }, []);

  if (state === 'loading') return <div className="flex h-full items-center justify-center"><Spinner /></div>;
  if (state === 'signed-out') return <SignIn onSignedIn={adopt} />;
  return <SessionContext.Provider value={{ ...state, signOut }}>{children}</SessionContext.Provider>;
}

function SignIn({ onSignedIn }: { onSignedIn: (info: SessionInfo) => Promise<void> }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSignedIn(await api<SessionInfo>('/login', { method: 'POST', body: { username, password } }));
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 401 ? 'Wrong username or password.' : caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex min-h-full items-center justify-center p-4">
      <div className="absolute right-3 top-3"><ThemeToggle /></div>
      <Card className="w-full max-w-sm p-6">
        <h1 className="text-xl font-semibold">Oricol Studio</h1>
        <p className="mb-4 mt-1 text-sm text-muted-foreground">Sign in with the dashboard credentials from your .env.</p>
        <form className="grid gap-4" onSubmit={submit}>
          <FormField label="Username"><Input autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required /></FormField>
          <FormField label="Password"><Input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required /></FormField>
          {error != null && <ErrorMessage error={error} title="Sign-in failed" />}
          <Button type="submit" loading={busy}>Sign in</Button>
        </form>
      </Card>
    </div>
  );
}
