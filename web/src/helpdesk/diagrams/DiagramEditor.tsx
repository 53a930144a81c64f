import { useQueryClient } from '@tanstack/react-query';
import { Download, Trash2 } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router-dom';
import { useUser } from '@/lib/auth';
import { Button, EmptyState, ErrorMessage, PageHeader, Skeleton, toast } from '@/ui';
import { isStaff, useMe } from '../role';
import { Canvas, HEIGHT, WIDTH } from './Canvas';
import { downloadPng, downloadSvg } from './exportImage';
import { freeSpot } from './layout';
import { LinkForm } from './LinkForm';
import { initials, useDiagramLive, type DiagramEvent } from './live';
import { Palette } from './Palette';
import { diagramApi, useDiagram, usePalette, type DLink, type DNode } from './queries';

/**
 * The network diagram editor: drag devices from the palette onto the canvas, move them, link them.
 * Every change is saved at once and broadcast, so everyone with the diagram open sees it live.
 */
export default function DiagramEditor() {
  const { id = '' } = useParams();
  const user = useUser();
  const me = useMe();
  const client = useQueryClient();
  const q = useDiagram(id);
  const editable = me.data?.role === 'agent' || me.data?.role === 'admin';
  const palette = usePalette(q.data?.diagram?.branch_id, !!q.data?.diagram && !!me.data && isStaff(me.data.role));
  const [nodes, setNodes] = useState<DNode[]>([]);
  const [links, setLinks] = useState<DLink[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [saving, setSaving] = useState(0);
  const svg = useRef<SVGSVGElement>(null);
  const lastMove = useRef(0);
  const myName = me.data?.full_name || user.email || 'Someone';

  useEffect(() => { if (q.data) { setNodes(q.data.nodes); setLinks(q.data.links); } }, [q.data]);
  const live = useDiagramLive(id, { id: user.id, name: myName }, (e: DiagramEvent) => {
    if (e.type === 'move') setNodes((ns) => ns.map((n) => (n.id === e.id ? { ...n, x: e.x, y: e.y } : n)));
    else client.invalidateQueries({ queryKey: ['diagram', id] });
  });

  /** Runs a write, then tells the others to reload; a failure reloads ours and says why. */
  async function write(action: () => Promise<unknown>) {
    setSaving((s) => s + 1);
    try {
      await action();
      await diagramApi.touch(id, user.id);
      live.send({ type: 'changed' });
    } catch (e) {
      toast.error('Could not save the change', String((e as Error).message ?? e));
      client.invalidateQueries({ queryKey: ['diagram', id] });
    } finally { setSaving((s) => s - 1); }
  }
  function moving(nodeId: string, x: number, y: number) {
    setNodes((ns) => ns.map((n) => (n.id === nodeId ? { ...n, x, y } : n)));
    const now = Date.now();
    if (now - lastMove.current > 60) { lastMove.current = now; live.send({ type: 'move', id: nodeId, x, y }); }
  }
  function moved(nodeId: string, x: number, y: number) {
    live.send({ type: 'move', id: nodeId, x, y });
    write(() => diagramApi.moveNode(nodeId, x, y));
  }
  function place(key: string, x?: number, y?: number) {
    const item = palette.data?.find((p) => p.key === key);
    if (!item) return;
    const spot = x != null && y != null ? { x, y } : freeSpot(nodes, WIDTH, HEIGHT);
    const [px, py] = [spot.x, spot.y];
    write(async () => { const n = await diagramApi.addNode(id, item, px, py); setNodes((ns) => [...ns, n]); });
  }
  function link(source: string, target: string, label: string | null) {
    write(async () => { const l = await diagramApi.addLink(id, source, target, label); setLinks((ls) => [...ls, l]); });
  }
  function removeSelected() {
    if (!selected) return;
    const nodeId = selected;
    setSelected(null);
    write(async () => { await diagramApi.removeNode(nodeId); setNodes((ns) => ns.filter((n) => n.id !== nodeId)); setLinks((ls) => ls.filter((l) => l.source_node_id !== nodeId && l.target_node_id !== nodeId)); });
  }

  if (q.isLoading) return <Skeleton className="h-96" />;
  if (q.error) return <ErrorMessage error={q.error} retry={() => q.refetch()} />;
  const d = q.data?.diagram;
  if (!d) return <EmptyState title="Diagram not found" />;
  const fileName = d.name.replace(/[^\w.-]+/g, '-');
  const placed = new Set(nodes.map((n) => (n.network_device_id ? `d:${n.network_device_id}` : `a:${n.asset_id}`)));
  return (
    <div className="grid gap-3">
      <PageHeader title={d.name} actions={<>
        <ul className="flex -space-x-2" aria-label="Here now">
          {live.peers.map((p) => (
            <li key={p.key} title={p.name} aria-label={p.name}
              className="grid h-8 w-8 place-items-center rounded-full border-2 border-background bg-primary text-xs font-semibold text-primary-foreground">
              {initials(p.name)}</li>))}
        </ul>
        <Button variant="outline" onClick={() => svg.current && downloadSvg(svg.current, fileName)}><Download aria-hidden className="h-4 w-4" />SVG</Button>
        <Button variant="outline" onClick={() => svg.current && downloadPng(svg.current, fileName).catch((e) => toast.error('Could not export', String(e.message ?? e)))}>
          <Download aria-hidden className="h-4 w-4" />PNG</Button>
      </>}>
        <span className="text-sm text-muted-foreground">{d.branch?.name ?? 'Company-wide'} · <span role="status">{saving > 0 ? 'Saving…' : 'All changes saved'}</span></span>
      </PageHeader>
      <div className="grid gap-3 lg:grid-cols-[16rem_minmax(0,1fr)]">
        {editable && <Palette items={palette.data ?? []} placed={placed} loading={palette.isLoading} onAdd={(k) => place(k)} />}
        <div className="grid min-w-0 gap-2">
          <Canvas ref={svg} nodes={nodes} links={links} selected={selected} editable={editable} onSelect={setSelected}
            onMoving={moving} onMoved={moved} onDropItem={(k, x, y) => place(k, x, y)} />
          {editable && (
            <div className="flex flex-wrap items-end gap-3">
              <LinkForm nodes={nodes} selected={selected} onLink={link} />
              <Button variant="outline" disabled={!selected} onClick={removeSelected}><Trash2 aria-hidden className="h-4 w-4" />Remove node</Button>
            </div>)}
        </div>
      </div>
    </div>
  );
}
