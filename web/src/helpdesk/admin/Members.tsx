import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useUser } from '@/lib/auth';
import { helpdesk } from '@/lib/supabase';
import { Checkbox, DataTable, ErrorMessage, FormField, Input, Select, toast, type Column } from '@/ui';
import type { Role } from '../role';
import { useOptions, useRows } from './queries';

interface Member {
  user_id: string; full_name: string | null; email: string | null; role: Role; team_id: string | null;
  branch_id: string | null; active: boolean; job_title: string | null; created_at: string;
}
const ROLES = [
  { value: 'requester', label: 'Requester' }, { value: 'agent', label: 'Agent' },
  { value: 'manager', label: 'Manager' }, { value: 'admin', label: 'Admin' },
];

/** Everyone who signed up: their role (through helpdesk.set_member_role, logged), team, branch, active. */
export default function Members() {
  const me = useUser();
  const client = useQueryClient();
  const members = useRows<Member>('members', 'user_id, full_name, email, role, team_id, branch_id, active, job_title, created_at', 'full_name');
  const teams = useOptions('teams');
  const branches = useOptions('branches');
  const [q, setQ] = useState('');
  const [role, setRole] = useState('');
  const refresh = () => client.invalidateQueries({ queryKey: ['admin', 'members'] });
  const setMemberRole = useMutation({
    mutationFn: async ({ user_id, role }: { user_id: string; role: string }) => {
      const { error } = await helpdesk().rpc('set_member_role', { user_id, role });
      if (error) throw error;
    },
    onSuccess: () => { toast.success('Role changed'); void refresh(); },
    onError: () => void refresh(),
  });
  const update = useMutation({
    mutationFn: async ({ user_id, ...change }: Partial<Member> & { user_id: string }) => {
      const { data, error } = await helpdesk().from('members').update(change).eq('user_id', user_id).select('user_id');
      if (error) throw error;
      if (!data?.length) throw new Error('Nothing was saved');
    },
    onSuccess: () => { toast.success('Member saved'); void refresh(); },
  });
  const name = (m: Member) => m.full_name || m.email || m.user_id;
  const columns: Column<Member>[] = [
    { id: 'name', header: 'Name', cell: (m) => <div><div className="font-medium">{name(m)}</div><div className="text-xs text-muted-foreground">{m.email}</div></div> },
    { id: 'role', header: 'Role', cell: (m) => m.user_id === me.id
      ? <span title="Nobody changes their own role">{ROLES.find((r) => r.value === m.role)?.label} (you)</span>
      : <Select aria-label={`Role of ${name(m)}`} value={m.role} options={ROLES} className="w-32"
          onValueChange={(v) => setMemberRole.mutate({ user_id: m.user_id, role: v })} /> },
    { id: 'team', header: 'Team', className: 'hidden md:table-cell', cell: (m) => (
      <Select aria-label={`Team of ${name(m)}`} value={m.team_id ?? ''} options={teams} allowNone="No team" className="w-36"
        onValueChange={(v) => update.mutate({ user_id: m.user_id, team_id: v || null })} />) },
    { id: 'branch', header: 'Branch', className: 'hidden lg:table-cell', cell: (m) => (
      <Select aria-label={`Branch of ${name(m)}`} value={m.branch_id ?? ''} options={branches} allowNone="No branch" className="w-36"
        onValueChange={(v) => update.mutate({ user_id: m.user_id, branch_id: v || null })} />) },
    { id: 'active', header: 'Active', cell: (m) => (
      <Checkbox aria-label={`${name(m)} is active`} checked={m.active} disabled={m.user_id === me.id}
        onCheckedChange={(v) => update.mutate({ user_id: m.user_id, active: v === true })} />) },
  ];
  const needle = q.trim().toLowerCase();
  const rows = (members.data ?? []).filter((m) => (!role || m.role === role)
    && (!needle || `${m.full_name ?? ''} ${m.email ?? ''}`.toLowerCase().includes(needle)));
  return (
    <section aria-label="Members" className="grid gap-3">
      <h2 className="text-lg font-semibold">Members and roles</h2>
      <div className="grid gap-3 sm:grid-cols-2">
        <FormField label="Find a member"><Input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name or email" /></FormField>
        <FormField label="Role filter"><Select value={role} onValueChange={setRole} options={ROLES} allowNone="Every role" /></FormField>
      </div>
      {members.error ? <ErrorMessage error={members.error} retry={() => members.refetch()} />
        : <DataTable label="Members" columns={columns} rows={rows} rowId={(m) => m.user_id} loading={members.isLoading} />}
    </section>
  );
}
