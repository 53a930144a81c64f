import { useQuery, useQueryClient } from '@tanstack/react-query';
import { MailPlus, UserPlus } from 'lucide-react';
import { useState } from 'react';
import { Badge, Button, Card, DataTable, ErrorMessage, FormField, Input, PageHeader, Tabs, TabsContent, TabsList, TabsTrigger, toast, type Column } from '@/ui';
import { describeError } from '@/lib/errors';
import { api } from '../api';
import { CreateUserDialog } from './CreateUserDialog';
import { UserDetails, type AuthUser } from './UserDetails';

/** The project's users (search, create, invite, recovery, ban, delete, factors, identities, sessions) and
 * the auth settings in effect, all through GoTrue's admin API as service_role. */
export default function AuthPage() {
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState<'create' | 'invite' | null>(null);
  const [open, setOpen] = useState<AuthUser | null>(null);
  const client = useQueryClient();
  const users = useQuery({
    queryKey: ['auth', 'users'],
    queryFn: () => api<{ users: AuthUser[] }>('/auth/v1/admin/users?per_page=1000'),
  });
  const settings = useQuery({ queryKey: ['auth', 'settings'], queryFn: () => api<Record<string, unknown>>('/auth/v1/settings') });
  const needle = search.trim().toLowerCase();
  const shown = (users.data?.users ?? []).filter((u) => !needle || (u.email ?? '').toLowerCase().includes(needle)
    || (u.phone ?? '').includes(needle) || u.id.startsWith(needle));

  const columns: Column<AuthUser>[] = [
    { id: 'email', header: 'Email', cell: (u) => <span className="font-medium">{u.email ?? u.phone ?? '(no email)'}</span> },
    { id: 'status', header: 'Status', cell: (u) => <UserStatus user={u} /> },
    { id: 'provider', header: 'Providers', cell: (u) => (u.app_metadata?.providers ?? []).join(', ') },
    { id: 'created', header: 'Created', cell: (u) => new Date(u.created_at).toLocaleString() },
    { id: 'last', header: 'Last sign-in', cell: (u) => (u.last_sign_in_at ? new Date(u.last_sign_in_at).toLocaleString() : 'never') },
  ];

  return (
    <div className="grid gap-4">
      <PageHeader title="Authentication" actions={<>
        <Button variant="outline" onClick={() => setCreating('invite')}><MailPlus aria-hidden className="h-4 w-4" />Invite user</Button>
        <Button onClick={() => setCreating('create')}><UserPlus aria-hidden className="h-4 w-4" />Create user</Button>
      </>} />
      <Tabs defaultValue="users">
        <TabsList><TabsTrigger value="users">Users</TabsTrigger><TabsTrigger value="settings">Settings</TabsTrigger></TabsList>
        <TabsContent value="users" className="grid gap-3">
          <div className="max-w-sm"><FormField label="Search users"><Input type="search" value={search} placeholder="email, phone or id" onChange={(e) => setSearch(e.target.value)} /></FormField></div>
          {users.error && <ErrorMessage error={users.error} retry={() => void users.refetch()} />}
          <DataTable label="Users" columns={columns} rows={shown} rowId={(u) => u.id} loading={users.isLoading} onOpen={setOpen} />
        </TabsContent>
        <TabsContent value="settings">
          <Card className="p-4">
            {settings.error && <ErrorMessage error={settings.error} />}
            <pre className="overflow-auto font-mono text-xs">{JSON.stringify(settings.data ?? {}, null, 2)}</pre>
          </Card>
        </TabsContent>
      </Tabs>
      <CreateUserDialog mode={creating} onClose={() => setCreating(null)} onDone={() => void client.invalidateQueries({ queryKey: ['auth'] })} />
      {open && <UserDetails user={open} onClose={() => setOpen(null)} onChanged={async (action) => {
        await client.invalidateQueries({ queryKey: ['auth'] });
        toast.success(action);
        if (action.startsWith('Deleted')) setOpen(null);
      }} onError={(error) => toast.error('That did not work', describeError(error))} />}
    </div>
  );
}

export function UserStatus({ user }: { user: AuthUser }) {
  if (user.banned_until && new Date(user.banned_until) > new Date()) return <Badge tone="red">Banned</Badge>;
  if (!user.email_confirmed_at && !user.phone_confirmed_at) return <Badge tone="amber">{user.invited_at ? 'Invited' : 'Unconfirmed'}</Badge>;
  return <Badge tone="green">Active</Badge>;
}
