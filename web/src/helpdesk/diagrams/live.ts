import type { RealtimeChannel } from '@supabase/supabase-js';
import { useEffect, useRef, useState } from 'react';
import { supabase } from '@/lib/supabase';

export interface Peer { key: string; name: string }
export type DiagramEvent = { type: 'move'; id: string; x: number; y: number } | { type: 'changed' };

/**
 * Live editing: a broadcast channel per diagram carries node moves (while dragging) and "changed"
 * (after a saved write, so others reload); presence on the same channel says who is here.
 */
export function useDiagramLive(diagramId: string, me: { id: string; name: string }, onEvent: (e: DiagramEvent) => void) {
  const [peers, setPeers] = useState<Peer[]>([]);
  const channel = useRef<RealtimeChannel | null>(null);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    const ch = supabase().channel(`diagram:${diagramId}`, { config: { broadcast: { self: false }, presence: { key: me.id } } });
    channel.current = ch;
    ch.on('broadcast', { event: 'diagram' }, ({ payload }) => handler.current(payload as DiagramEvent))
      .on('presence', { event: 'sync' }, () => {
        const state = ch.presenceState<{ name: string }>();
        setPeers(Object.entries(state).map(([key, metas]) => ({ key, name: metas[metas.length - 1]?.name ?? 'Someone' })));
      })
      .subscribe((status) => { if (status === 'SUBSCRIBED') ch.track({ name: me.name }); });
    return () => { channel.current = null; supabase().removeChannel(ch); };
  }, [diagramId, me.id, me.name]);
  function send(event: DiagramEvent) {
    channel.current?.send({ type: 'broadcast', event: 'diagram', payload: event });
  }
  return { peers, send };
}

/** Two-letter initials for a presence avatar. */
export function initials(name: string): string {
  const parts = name.replace(/@.*/, '').split(/[\s._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}
