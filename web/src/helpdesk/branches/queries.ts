import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { helpdesk } from '@/lib/supabase';

export interface Branch {
  id: string; name: string; code: string | null; address: string | null; city: string | null; country: string | null;
  phone: string | null; contact_name: string | null; contact_email: string | null; notes: string | null;
}
export interface Device { id: string; branch_id: string; asset_id: string | null; name: string; kind: string; ip_address: string | null; mac_address: string | null; location: string | null; notes: string | null }
export interface InternetLink {
  id: string; branch_id: string; isp: string; circuit_id: string | null; account_number: string | null;
  bandwidth_down_mbps: number | null; bandwidth_up_mbps: number | null; contract_start: string | null; contract_end: string | null;
  monthly_cost: number | null; support_phone: string | null; support_email: string | null; notes: string | null;
}
export const DEVICE_KINDS = ['router', 'switch', 'firewall', 'access_point', 'server', 'printer', 'other'] as const;

export function useBranches() {
  return useQuery({
    queryKey: ['branches'],
    queryFn: async () => {
      const { data, error } = await helpdesk().from('branches').select('*, network_devices(count), assets(count)').order('name');
      if (error) throw error;
      return data as unknown as (Branch & { network_devices: { count: number }[]; assets: { count: number }[] })[];
    },
  });
}

/** A branch with everything at it: devices, internet links, assets and recent tickets. */
export function useBranch(id: string) {
  return useQuery({
    queryKey: ['branch', id],
    queryFn: async () => {
      const [b, d, l, a, t] = await Promise.all([
        helpdesk().from('branches').select('*').eq('id', id).maybeSingle(),
        helpdesk().from('network_devices').select('*').eq('branch_id', id).order('kind').order('name'),
        helpdesk().from('internet_links').select('*').eq('branch_id', id).order('isp'),
        helpdesk().from('assets').select('id, tag, name, type, status').eq('branch_id', id).order('tag').limit(200),
        helpdesk().from('tickets').select('id, number, title, status, created_at').eq('branch_id', id).order('created_at', { ascending: false }).limit(50),
      ]);
      const error = b.error ?? d.error ?? l.error ?? a.error ?? t.error;
      if (error) throw error;
      return {
        branch: b.data as Branch | null, devices: d.data as Device[], links: l.data as InternetLink[],
        assets: a.data as { id: string; tag: string; name: string; type: string | null; status: string }[],
        tickets: t.data as { id: string; number: string; title: string; status: string; created_at: string }[],
      };
    },
  });
}

/** Insert or update a row of a branch table (branches, network_devices, internet_links). */
export function useSaveRow(table: 'branches' | 'network_devices' | 'internet_links') {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, values }: { id?: string; values: Record<string, unknown> }) => {
      const q = id ? helpdesk().from(table).update(values).eq('id', id) : helpdesk().from(table).insert(values);
      const { data, error } = await q.select('id').single();
      if (error) throw error;
      return data as { id: string };
    },
    onSuccess: () => { client.invalidateQueries({ queryKey: ['branches'] }); client.invalidateQueries({ queryKey: ['branch'] }); },
  });
}

export function useDeleteRow(table: 'network_devices' | 'internet_links') {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      const { error } = await helpdesk().from(table).delete().eq('id', id);
      if (error) throw error;
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['branch'] }),
  });
}
