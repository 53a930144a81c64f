import { useQuery } from '@tanstack/react-query';
import { useAuth } from '@/lib/auth';
import { helpdesk } from '@/lib/supabase';

export type Role = 'requester' | 'agent' | 'manager' | 'admin';
export interface Me { role: Role; full_name: string | null; email: string | null; team_id: string | null }

/** Staff see the agent desk; requesters the portal. */
export const isStaff = (role: Role) => role !== 'requester';

/**
 * The caller's own `helpdesk.members` row (RLS lets everyone read their own). Until that table exists
 * on a server, or when the row is missing, the caller is treated as a requester: the UI never grants
 * more than the database would.
 */
export function useMe() {
  const { user } = useAuth();
  return useQuery({
    queryKey: ['me', user?.id],
    enabled: !!user,
    staleTime: 5 * 60_000,
    queryFn: async (): Promise<Me> => {
      const { data, error } = await helpdesk().from('members')
        .select('role, full_name, email, team_id').eq('user_id', user!.id).maybeSingle();
      if (error || !data) return { role: 'requester', full_name: null, email: user!.email ?? null, team_id: null };
      return data as Me;
    },
  });
}
