import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useUser } from '@/lib/auth';
import { helpdesk } from '@/lib/supabase';

export interface Diagram { id: string; name: string; branch_id: string | null; updated_at: string; branch: { name: string } | null }
export interface DNode { id: string; diagram_id: string; asset_id: string | null; network_device_id: string | null; label: string | null; kind: string | null; x: number; y: number }
export interface DLink { id: string; diagram_id: string; source_node_id: string; target_node_id: string; label: string | null }
export interface PaletteItem { key: string; network_device_id: string | null; asset_id: string | null; label: string; kind: string; branch: string | null }

export function useDiagrams() {
  return useQuery({
    queryKey: ['diagrams'],
    queryFn: async () => {
      const { data, error } = await helpdesk().from('network_diagrams').select('id, name, branch_id, updated_at, branch:branches(name)').order('name');
      if (error) throw error;
      return data as unknown as Diagram[];
    },
  });
}

export function useCreateDiagram() {
  const client = useQueryClient();
  const user = useUser();
  return useMutation({
    mutationFn: async (v: { name: string; branch_id: string | null }) => {
      const { data, error } = await helpdesk().from('network_diagrams').insert({ ...v, created_by: user.id, updated_by: user.id }).select('id').single();
      if (error) throw error;
      return data as { id: string };
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['diagrams'] }),
  });
}

/** A diagram with its nodes and links. */
export function useDiagram(id: string) {
  return useQuery({
    queryKey: ['diagram', id],
    queryFn: async () => {
      const [d, n, l] = await Promise.all([
        helpdesk().from('network_diagrams').select('id, name, branch_id, updated_at, branch:branches(name)').eq('id', id).maybeSingle(),
        helpdesk().from('diagram_nodes').select('*').eq('diagram_id', id),
        helpdesk().from('diagram_links').select('*').eq('diagram_id', id),
      ]);
      const error = d.error ?? n.error ?? l.error;
      if (error) throw error;
      return { diagram: d.data as unknown as Diagram | null, nodes: n.data as DNode[], links: l.data as DLink[] };
    },
  });
}

/**
 * What may be placed: the branch's network devices and assets, or every branch's for a company-wide
 * diagram (labelled with their branch).
 */
export function usePalette(branchId: string | null | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ['diagram-palette', branchId ?? 'company'],
    enabled,
    queryFn: async (): Promise<PaletteItem[]> => {
      let devices = helpdesk().from('network_devices').select('id, name, kind, asset_id, branch:branches(name)').order('name');
      let assets = helpdesk().from('assets').select('id, tag, name, type, branch:branches(name)').neq('status', 'retired').order('tag').limit(500);
      if (branchId) { devices = devices.eq('branch_id', branchId); assets = assets.eq('branch_id', branchId); }
      const [d, a] = await Promise.all([devices, assets]);
      const error = d.error ?? a.error;
      if (error) throw error;
      type Named = { branch: { name: string } | null };
      const fromDevices = (d.data as unknown as ({ id: string; name: string; kind: string; asset_id: string | null } & Named)[]).map((r) => ({
        key: `d:${r.id}`, network_device_id: r.id, asset_id: r.asset_id, label: r.name, kind: r.kind, branch: r.branch?.name ?? null,
      }));
      const linked = new Set(fromDevices.map((r) => r.asset_id).filter(Boolean));
      const fromAssets = (a.data as unknown as ({ id: string; tag: string; name: string; type: string | null } & Named)[])
        .filter((r) => !linked.has(r.id)).map((r) => ({
          key: `a:${r.id}`, network_device_id: null, asset_id: r.id, label: `${r.tag} ${r.name}`, kind: r.type ?? 'other', branch: r.branch?.name ?? null,
        }));
      return [...fromDevices, ...fromAssets];
    },
  });
}

const nodes = () => helpdesk().from('diagram_nodes');
const links = () => helpdesk().from('diagram_links');

/** The writes of the editor; each one is saved at once (the layout is always the saved one). */
export const diagramApi = {
  async addNode(diagramId: string, item: PaletteItem, x: number, y: number): Promise<DNode> {
    const { data, error } = await nodes().insert({ diagram_id: diagramId, network_device_id: item.network_device_id, asset_id: item.asset_id,
      label: item.label, kind: item.kind, x, y }).select('*').single();
    if (error) throw error;
    return data as DNode;
  },
  async moveNode(id: string, x: number, y: number) {
    const { error } = await nodes().update({ x, y }).eq('id', id);
    if (error) throw error;
  },
  async removeNode(id: string) {
    const { error } = await nodes().delete().eq('id', id);
    if (error) throw error;
  },
  async addLink(diagramId: string, source: string, target: string, label: string | null): Promise<DLink> {
    const { data, error } = await links().insert({ diagram_id: diagramId, source_node_id: source, target_node_id: target, label }).select('*').single();
    if (error) throw error;
    return data as DLink;
  },
  async removeLink(id: string) {
    const { error } = await links().delete().eq('id', id);
    if (error) throw error;
  },
  async touch(diagramId: string, userId: string) {
    const { error } = await helpdesk().from('network_diagrams').update({ updated_at: new Date().toISOString(), updated_by: userId }).eq('id', diagramId);
    if (error) throw error;
  },
};
