import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useUser } from '@/lib/auth';
import { helpdesk } from '@/lib/supabase';

export interface Licence {
  id: string; name: string; seats: number; purchased_on: string | null; renews_on: string | null; cost: number | null;
  vendor: string | null; notes: string | null; software_id: string | null;
  software: { name: string; vendor: string | null; version: string | null } | null;
  licence_assignments: { released_at: string | null }[];
}
export interface SeatRow {
  id: string; assigned_at: string; released_at: string | null; member_id: string | null; asset_id: string | null;
  member: { full_name: string | null; email: string | null } | null; asset: { tag: string; name: string } | null;
}

export function useLicences() {
  return useQuery({
    queryKey: ['licences'],
    queryFn: async () => {
      const { data, error } = await helpdesk().from('licences')
        .select('*, software(name, vendor, version), licence_assignments(released_at)').order('name');
      if (error) throw error;
      return data as unknown as Licence[];
    },
  });
}

export function useLicence(id: string) {
  return useQuery({
    queryKey: ['licence', id],
    queryFn: async () => {
      const [l, s] = await Promise.all([
        helpdesk().from('licences').select('*, software(name, vendor, version), licence_assignments(released_at)').eq('id', id).maybeSingle(),
        helpdesk().from('licence_assignments')
          .select('id, assigned_at, released_at, member_id, asset_id, member:members!licence_assignments_member_id_fkey(full_name, email), asset:assets(tag, name)')
          .eq('licence_id', id).order('released_at', { ascending: false, nullsFirst: true }).order('assigned_at', { ascending: false }),
      ]);
      const error = l.error ?? s.error;
      if (error) throw error;
      return { licence: l.data as unknown as Licence | null, seats: s.data as unknown as SeatRow[] };
    },
  });
}

export function useSoftware() {
  return useQuery({
    queryKey: ['software'],
    queryFn: async () => {
      const { data, error } = await helpdesk().from('software').select('id, name, vendor, version').order('name');
      if (error) throw error;
      return data;
    },
  });
}

function useInvalidate() {
  const client = useQueryClient();
  return () => { client.invalidateQueries({ queryKey: ['licences'] }); client.invalidateQueries({ queryKey: ['licence'] }); client.invalidateQueries({ queryKey: ['software'] }); };
}

export interface LicenceInput {
  software: string; name: string; seats: number; vendor: string | null; purchased_on: string | null;
  renews_on: string | null; cost: number | null; notes: string | null;
}
/** Adds a licence; the software row is found by name or created. */
export function useCreateLicence() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async ({ software, ...values }: LicenceInput) => {
      const found = await helpdesk().from('software').select('id').ilike('name', software).limit(1);
      if (found.error) throw found.error;
      let softwareId = found.data[0]?.id as string | undefined;
      if (!softwareId) {
        const made = await helpdesk().from('software').insert({ name: software, vendor: values.vendor }).select('id').single();
        if (made.error) throw made.error;
        softwareId = made.data.id;
      }
      const { data, error } = await helpdesk().from('licences').insert({ ...values, software_id: softwareId }).select('id').single();
      if (error) throw error;
      return data as { id: string };
    },
    onSuccess: invalidate,
  });
}

export function useAssignSeat(licenceId: string) {
  const invalidate = useInvalidate();
  const user = useUser();
  return useMutation({
    mutationFn: async (to: { member_id: string | null; asset_id: string | null }) => {
      const { error } = await helpdesk().from('licence_assignments').insert({ licence_id: licenceId, ...to, assigned_by: user.id });
      if (error) throw error;
    },
    onSuccess: invalidate,
  });
}

export function useReleaseSeat() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (id: string) => {
      const { error } = await helpdesk().from('licence_assignments').update({ released_at: new Date().toISOString() }).eq('id', id);
      if (error) throw error;
    },
    onSuccess: invalidate,
  });
}

/** Members and assets a seat may go to. */
export function useSeatTargets() {
  return useQuery({
    queryKey: ['seat-targets'],
    queryFn: async () => {
      const [m, a] = await Promise.all([
        helpdesk().from('members').select('user_id, full_name, email').eq('active', true).order('full_name'),
        helpdesk().from('assets').select('id, tag, name').neq('status', 'retired').order('tag').limit(1000),
      ]);
      const error = m.error ?? a.error;
      if (error) throw error;
      return { members: m.data ?? [], assets: a.data ?? [] };
    },
  });
}
