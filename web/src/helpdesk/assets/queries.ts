import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { helpdesk } from '@/lib/supabase';
import type { Asset, AssetInsert, AssetStatus, Lookup } from './model';

export interface AssetFilters { q: string; type: string; status: string; branch: string; assignee: string; warrantyDays: string }
export interface AssetRow extends Asset { branch: { name: string } | null; assignee: { full_name: string | null; email: string | null } | null }
export const PAGE_SIZE = 25;
const ROW = '*, branch:branches(name), assignee:members!assets_assigned_to_fkey(full_name, email)';

/** Applies the list filters to a query over assets (shared by the page and the CSV export). */
function filtered(f: AssetFilters) {
  let q = helpdesk().from('assets').select(ROW, { count: 'exact' });
  if (f.type) q = q.eq('type', f.type);
  if (f.status) q = q.eq('status', f.status as AssetStatus);
  if (f.branch) q = q.eq('branch_id', f.branch);
  if (f.assignee === 'none') q = q.is('assigned_to', null);
  else if (f.assignee) q = q.eq('assigned_to', f.assignee);
  if (f.warrantyDays) {
    const until = new Date(Date.now() + Number(f.warrantyDays) * 86_400_000).toISOString().slice(0, 10);
    q = q.not('warranty_expires_on', 'is', null).lte('warranty_expires_on', until);
  }
  const term = f.q.trim().replace(/[,()*%]/g, ' ');
  if (term) q = q.or(['tag', 'name', 'serial', 'model', 'manufacturer'].map((c) => `${c}.ilike.*${term}*`).join(','));
  return q;
}

export function useAssets(f: AssetFilters, page: number, sort: { column: string; ascending: boolean }) {
  return useQuery({
    queryKey: ['assets', f, page, sort],
    placeholderData: keepPreviousData,
    queryFn: async () => {
      const from = page * PAGE_SIZE;
      const { data, error, count } = await filtered(f).order(sort.column, { ascending: sort.ascending, nullsFirst: false })
        .order('tag').range(from, from + PAGE_SIZE - 1);
      if (error) throw error;
      return { rows: data as unknown as AssetRow[], total: count ?? 0 };
    },
  });
}

/** Every asset matching the filters (for the CSV export and the label sheet), 1000 at a time. */
export async function fetchAllAssets(f: AssetFilters): Promise<AssetRow[]> {
  const out: AssetRow[] = [];
  for (let from = 0; ; from += 1000) {
    const { data, error } = await filtered(f).order('tag').range(from, from + 999);
    if (error) throw error;
    out.push(...(data as unknown as AssetRow[]));
    if (data.length < 1000) return out;
  }
}

export async function fetchAssetsByIds(ids: string[]): Promise<AssetRow[]> {
  const { data, error } = await helpdesk().from('assets').select(ROW).in('id', ids).order('tag');
  if (error) throw error;
  return data as unknown as AssetRow[];
}

export interface Reference {
  branches: { id: string; name: string; code: string | null }[];
  members: { user_id: string; full_name: string | null; email: string | null }[];
  types: string[];
}
/** Branches, members and the asset types in use, for the filters and forms. */
export function useAssetReference() {
  return useQuery({
    queryKey: ['asset-reference'],
    staleTime: 60_000,
    queryFn: async (): Promise<Reference> => {
      const [b, m, t] = await Promise.all([
        helpdesk().from('branches').select('id, name, code').order('name'),
        helpdesk().from('members').select('user_id, full_name, email').eq('active', true).order('full_name'),
        helpdesk().from('assets').select('type').not('type', 'is', null).order('type').limit(1000),
      ]);
      const error = b.error ?? m.error ?? t.error;
      if (error) throw error;
      const types = [...new Set((t.data ?? []).map((r) => r.type as string))];
      return { branches: b.data ?? [], members: m.data ?? [], types };
    },
  });
}

export const memberName = (m: { full_name: string | null; email: string | null } | null | undefined) =>
  m ? m.full_name || m.email || 'Unnamed' : '—';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One asset by its tag (what a QR label carries) or id, with its history, tickets and documents. */
export function useAsset(key: string) {
  return useQuery({
    queryKey: ['asset', key],
    queryFn: async () => {
      const { data, error } = await helpdesk().from('assets').select(ROW).eq(UUID.test(key) ? 'id' : 'tag', key).maybeSingle();
      if (error) throw error;
      return data as unknown as AssetRow | null;
    },
  });
}

export function useAssetHistory(asset: AssetRow | null | undefined, staff: boolean) {
  return useQuery({
    queryKey: ['asset-history', asset?.id],
    enabled: !!asset && staff,
    queryFn: async () => {
      const [h, t, d] = await Promise.all([
        helpdesk().from('asset_assignments').select('id, assigned_at, released_at, member:members!asset_assignments_member_id_fkey(full_name, email)')
          .eq('asset_id', asset!.id).order('assigned_at', { ascending: false }),
        helpdesk().from('tickets').select('id, number, title, status, created_at').eq('asset_id', asset!.id).order('created_at', { ascending: false }).limit(50),
        helpdesk().from('documents').select('id, name, folder, created_at').contains('tags', [asset!.tag]).limit(50),
      ]);
      const error = h.error ?? t.error ?? d.error;
      if (error) throw error;
      return {
        history: h.data as unknown as { id: string; assigned_at: string; released_at: string | null; member: { full_name: string | null; email: string | null } | null }[],
        tickets: t.data as { id: string; number: string; title: string; status: string; created_at: string }[],
        documents: d.data as { id: string; name: string; folder: string; created_at: string }[],
      };
    },
  });
}

export function useSaveAsset() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, values }: { id?: string; values: Partial<AssetInsert> }) => {
      const q = id ? helpdesk().from('assets').update(values).eq('id', id) : helpdesk().from('assets').insert(values);
      const { data, error } = await q.select('id, tag').single();
      if (error) throw error;
      return data as { id: string; tag: string };
    },
    onSuccess: () => { client.invalidateQueries({ queryKey: ['assets'] }); client.invalidateQueries({ queryKey: ['asset'] }); client.invalidateQueries({ queryKey: ['asset-reference'] }); },
  });
}

/** What validation of an import needs: branches by name/code, members by email, tags taken. */
export async function fetchLookup(tags: string[]): Promise<Lookup> {
  const [b, m, t] = await Promise.all([
    helpdesk().from('branches').select('id, name, code'),
    helpdesk().from('members').select('user_id, email'),
    tags.length ? helpdesk().from('assets').select('tag').in('tag', tags) : Promise.resolve({ data: [], error: null }),
  ]);
  const error = b.error ?? m.error ?? t.error;
  if (error) throw error;
  const branches = new Map<string, string>();
  for (const r of b.data ?? []) { branches.set(r.name.toLowerCase(), r.id); if (r.code) branches.set(String(r.code).toLowerCase(), r.id); }
  const members = new Map<string, string>((m.data ?? []).filter((r) => r.email).map((r) => [String(r.email).toLowerCase(), r.user_id]));
  return { branches, members, existingTags: new Set((t.data ?? []).map((r: { tag: string }) => r.tag.toLowerCase())) };
}

/** Inserts the valid rows in one request: all of them or none (one statement). */
export async function importAssets(rows: AssetInsert[]): Promise<number> {
  const { error, count } = await helpdesk().from('assets').insert(rows, { count: 'exact' });
  if (error) throw error;
  return count ?? rows.length;
}

export interface AssetLabel { id: string; tag: string; name: string; type: string | null; branch_name: string | null }
/** The little any member may see of an asset by its label (helpdesk.asset_label), for scans by non-staff. */
export function useAssetLabel(key: string, enabled: boolean) {
  return useQuery({
    queryKey: ['asset-label', key],
    enabled,
    queryFn: async () => {
      const { data, error } = await helpdesk().rpc('asset_label', { key });
      if (error) throw error;
      return ((data as AssetLabel[] | null) ?? [])[0] ?? null;
    },
  });
}
