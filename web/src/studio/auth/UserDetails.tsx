import { useQuery } from '@tanstack/react-query';
import { Button, ConfirmDialog, Dialog, ResultsList } from './parts';
import { api, runSql } from '../api';
import { literal } from '../sql';

export interface AuthUser {
  id: string; email?: string; phone?: string; created_at: string; last_sign_in_at?: string | null;
  email_confirmed_at?: string | null; phone_confirmed_at?: string | null; invited_at?: string | null;
  banned_until?: string | null; app_metadata?: { providers?: string[] }; user_metadata?: Record<string, unknown>;
  identities?: { provider: string; identity_id?: string; id?: string; created_at?: string }[];
}

/** One user: identities, factors, sessions, and the actions on them. */
export function UserDetails({ user, onClose, onChanged, onError }: {
  user: AuthUser; onClose: () => void; onChanged: (action: string) => Promise<void>; onError: (error: unknown) => void;
}) {
  const factors = useQuery({ queryKey: ['auth', 'factors', user.id], queryFn: () => api<Record<string, unknown>[]>(`/auth/v1/admin/users/${user.id}/factors`) });
  const sessions = useQuery({
    queryKey: ['auth', 'sessions', user.id],
    queryFn: () => runSql(`select id, created_at, updated_at, aal, user_agent, host(ip) as ip from auth.sessions where user_id = ${literal(user.id)}::uuid order by created_at desc limit 50`),
  });
  const banned = !!user.banned_until && new Date(user.banned_until) > new Date();

  async function act(label: string, work: () => Promise<unknown>) {
    try { await work(); await onChanged(label); } catch (error) { onError(error); }
  }

  return (
    <Dialog open onOpenChange={(o) => { if (!o) onClose(); }} title={user.email ?? user.phone ?? user.id} className="max-w-2xl">
      <p className="font-mono text-xs text-muted-foreground">{user.id}</p>
      <div className="flex flex-wrap gap-2">
        <Button variant="outline" disabled={!user.email}
          onClick={() => act(`Recovery email sent to ${user.email}`, () => api('/auth/v1/recover', { method: 'POST', body: { email: user.email } }))}>
          Send password recovery
        </Button>
        <Button variant="outline" onClick={() => act(banned ? 'User unbanned' : 'User banned',
          () => api(`/auth/v1/admin/users/${user.id}`, { method: 'PUT', body: { ban_duration: banned ? 'none' : '876000h' } }))}>
          {banned ? 'Unban user' : 'Ban user'}
        </Button>
        <ConfirmDialog title="Delete this user?" destructive confirmLabel="Delete user"
          description="The user, their identities, factors and sessions are deleted. This cannot be undone."
          onConfirm={() => act(`Deleted ${user.email ?? user.id}`, () => api(`/auth/v1/admin/users/${user.id}`, { method: 'DELETE' }))}
          trigger={<Button variant="destructive">Delete user</Button>} />
      </div>
      <ResultsList title="Identities" rows={(user.identities ?? []).map((i) => ({ provider: i.provider, id: i.identity_id ?? i.id ?? '', created_at: i.created_at ?? '' }))} />
      <ResultsList title="MFA factors" rows={factors.data ?? []} />
      <ResultsList title="Sessions" rows={sessions.data ?? []} />
      <details><summary className="cursor-pointer text-sm">Metadata</summary>
        <pre className="overflow-auto font-mono text-xs">{JSON.stringify({ app_metadata: user.app_metadata, user_metadata: user.user_metadata }, null, 2)}</pre>
      </details>
    </Dialog>
  );
}
