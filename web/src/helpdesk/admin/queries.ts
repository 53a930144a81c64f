// Administration data: plain reads and writes on helpdesk tables. The screens are for admins, but what
// decides is RLS (the *_admin policies) and the functions' own role checks: the API refuses everyone else.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { helpdesk } from '@/lib/supabase';

export type Row = Record<string, unknown> & { id?: string };

export function useRows<T = Row>(table: string, select = '*', order = 'name', ascending = true) {
  return useQuery({
    queryKey: ['admin', table, select, order],
    queryFn: async (): Promise<T[]> => {
      const { data, error } = await helpdesk().from(table).select(select).order(order, { ascending }).limit(1000);
      if (error) throw error;
      return (data ?? []) as T[];
    },
  });
}

/** Insert when there is no key, else update by it; the table's rows are refetched after. */
export function useSave(table: string, key = 'id') {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, values }: { id?: string; values: Row }) => {
      const query = id ? helpdesk().from(table).update(values).eq(key, id) : helpdesk().from(table).insert(values);
      const { data, error } = await query.select(key);
      if (error) throw error;
      if (!data?.length) throw new Error('Nothing was saved: you may not change this');
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['admin', table] }),
  });
}

export function useRemove(table: string, key = 'id') {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      const { data, error } = await helpdesk().from(table).delete().eq(key, id).select(key);
      if (error) throw error;
      if (!data?.length) throw new Error('Nothing was deleted: you may not delete this');
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['admin', table] }),
  });
}

export interface Option { value: string; label: string }

/** id → name options of a small reference table (teams, branches, business hours). */
export function useOptions(table: string, label = 'name') {
  const rows = useRows<Row>(table, `id, ${label}`, label);
  return (rows.data ?? []).map((r) => ({ value: String(r.id), label: String(r[label] ?? '') }));
}
