import { forwardRef, useRef, type DragEvent, type KeyboardEvent, type PointerEvent } from 'react';
import type { DLink, DNode } from './queries';

export const WIDTH = 960;
export const HEIGHT = 600;
const NODE_W = 150;
const NODE_H = 50;
const COLOURS: Record<string, string> = {
  router: '#2563eb', switch: '#0891b2', firewall: '#dc2626', access_point: '#7c3aed', server: '#059669', printer: '#d97706',
};
const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/** Screen coordinates → the diagram's own (viewBox) coordinates. */
export function toDiagram(svg: SVGSVGElement, clientX: number, clientY: number) {
  const m = svg.getScreenCTM();
  if (!m) return { x: WIDTH / 2, y: HEIGHT / 2 };
  const p = new DOMPoint(clientX, clientY).matrixTransform(m.inverse());
  return { x: clamp(Math.round(p.x), NODE_W / 2, WIDTH - NODE_W / 2), y: clamp(Math.round(p.y), NODE_H / 2, HEIGHT - NODE_H / 2) };
}

/**
 * The diagram as SVG: links as lines, nodes as labelled boxes. Nodes move by pointer drag or arrow keys
 * (`onMoving` while moving, `onMoved` once at the end); palette items are dropped in (`onDropItem`).
 */
export const Canvas = forwardRef<SVGSVGElement, {
  nodes: DNode[]; links: DLink[]; selected: string | null; editable: boolean;
  onSelect: (id: string | null) => void; onMoving: (id: string, x: number, y: number) => void;
  onMoved: (id: string, x: number, y: number) => void; onDropItem: (key: string, x: number, y: number) => void;
}>(function Canvas({ nodes, links, selected, editable, onSelect, onMoving, onMoved, onDropItem }, ref) {
  const drag = useRef<{ id: string; dx: number; dy: number; moved: boolean; x: number; y: number } | null>(null);
  const svg = () => (ref as React.RefObject<SVGSVGElement>).current!;
  const byId = new Map(nodes.map((n) => [n.id, n]));

  function down(e: PointerEvent, n: DNode) {
    onSelect(n.id);
    if (!editable) return;
    const p = toDiagram(svg(), e.clientX, e.clientY);
    drag.current = { id: n.id, dx: n.x - p.x, dy: n.y - p.y, moved: false, x: n.x, y: n.y };
    (e.currentTarget as Element).setPointerCapture(e.pointerId);
  }
  function move(e: PointerEvent) {
    const d = drag.current;
    if (!d) return;
    const p = toDiagram(svg(), e.clientX, e.clientY);
    d.x = clamp(p.x + d.dx, NODE_W / 2, WIDTH - NODE_W / 2); d.y = clamp(p.y + d.dy, NODE_H / 2, HEIGHT - NODE_H / 2);
    d.moved = true;
    onMoving(d.id, d.x, d.y);
  }
  function up() {
    const d = drag.current;
    drag.current = null;
    if (d?.moved) onMoved(d.id, d.x, d.y);
  }
  function key(e: KeyboardEvent, n: DNode) {
    const step = e.shiftKey ? 50 : 10;
    const delta: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (!editable || !delta[e.key]) return;
    e.preventDefault();
    const x = clamp(n.x + delta[e.key][0], NODE_W / 2, WIDTH - NODE_W / 2);
    const y = clamp(n.y + delta[e.key][1], NODE_H / 2, HEIGHT - NODE_H / 2);
    onMoving(n.id, x, y); onMoved(n.id, x, y);
  }
  function drop(e: DragEvent) {
    e.preventDefault();
    const k = e.dataTransfer.getData('application/x-diagram-item') || e.dataTransfer.getData('text/plain');
    if (!k) return;
    const p = toDiagram(svg(), e.clientX, e.clientY);
    onDropItem(k, p.x, p.y);
  }
  return (
    <svg ref={ref} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT} role="application" aria-label="Diagram canvas"
      className="h-auto w-full touch-none select-none rounded-md border border-border" style={{ maxWidth: '100%' }}
      onDragOver={(e) => { if (editable) e.preventDefault(); }} onDrop={drop} onPointerMove={move} onPointerUp={up}
      onPointerDown={(e) => { if (e.target === e.currentTarget || (e.target as Element).getAttribute('data-bg')) onSelect(null); }}>
      <rect data-bg="1" x={0} y={0} width={WIDTH} height={HEIGHT} fill="#ffffff" />
      <g data-ui-only>{Array.from({ length: WIDTH / 50 }, (_, i) => <line key={i} x1={i * 50} y1={0} x2={i * 50} y2={HEIGHT} stroke="#f1f5f9" />)}</g>
      {links.map((l) => {
        const a = byId.get(l.source_node_id); const b = byId.get(l.target_node_id);
        if (!a || !b) return null;
        return (
          <g key={l.id} aria-label={`Link ${a.label} to ${b.label}`}>
            <line x1={a.x} y1={a.y} x2={b.x} y2={b.y} stroke="#64748b" strokeWidth={2} />
            {l.label && <text x={(a.x + b.x) / 2} y={(a.y + b.y) / 2 - 6} textAnchor="middle" fontSize={12} fill="#334155" fontFamily="sans-serif">{l.label}</text>}
          </g>);
      })}
      {nodes.map((n) => {
        const colour = COLOURS[n.kind ?? ''] ?? '#475569';
        return (
          <g key={n.id} transform={`translate(${n.x} ${n.y})`} role="button" tabIndex={0} aria-label={`Node ${n.label}`}
            aria-pressed={selected === n.id} data-node-id={n.id} style={{ cursor: editable ? 'grab' : 'default', outline: 'none' }}
            onPointerDown={(e) => down(e, n)} onKeyDown={(e) => key(e, n)} onFocus={() => onSelect(n.id)}>
            <rect x={-NODE_W / 2} y={-NODE_H / 2} width={NODE_W} height={NODE_H} rx={8} fill="#ffffff" stroke={colour}
              strokeWidth={selected === n.id ? 4 : 2} />
            <rect x={-NODE_W / 2} y={-NODE_H / 2} width={8} height={NODE_H} rx={3} fill={colour} />
            <text x={4} y={-4} textAnchor="middle" fontSize={14} fontWeight={600} fill="#0f172a" fontFamily="sans-serif">
              {(n.label ?? '').length > 18 ? `${n.label!.slice(0, 17)}…` : n.label}</text>
            <text x={4} y={15} textAnchor="middle" fontSize={12} fill="#64748b" fontFamily="sans-serif">{(n.kind ?? '').replace('_', ' ')}</text>
          </g>);
      })}
    </svg>
  );
});
