// Data hooks of one ticket: the ticket, its conversation and history, replies, live changes, presence.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { RealtimeChannel } from '@supabase/supabase-js';
import { useEffect, useRef, useState } from 'react';
import { helpdesk, supabase } from '@/lib/supabase';
import { LIST_COLUMNS, type PersonRef, type TicketRow } from './model';

export interface TicketDetail extends TicketRow {
  description: string; branch_id: string | null; source: string; closed_at: string | null;
  asset: { id: string; tag: string; name: string; status: string } | null;
}
export interface Comment {
  id: string; body: string; internal: boolean; created_at: string; edited_at: string | null; author_id: string | null;
  author: PersonRef | null;
}
export interface TicketEvent { id: number; kind: string; field: string | null; old_value: string | null; new_value: string | null; created_at: string; actor: PersonRef | null }

export function useTicket(id: string) {
  return useQuery({
    queryKey: ['tickets', 'one', id],
    queryFn: async () => {
      const { data, error } = await helpdesk().from('tickets')
        .select(`${LIST_COLUMNS}, description, branch_id, source, closed_at, asset:assets(id, tag, name, status)`)
        .eq('id', id).maybeSingle();
      if (error) throw error;
      return data as unknown as TicketDetail | null;
    },
  });
}

export function useComments(id: string) {
  return useQuery({
    queryKey: ['tickets', 'comments', id],
    queryFn: async () => {
      const { data, error } = await helpdesk().from('ticket_comments')
        .select('id, body, internal, created_at, edited_at, author_id, author:members(full_name, email)')
        .eq('ticket_id', id).order('created_at');
      if (error) throw error;
      return (data ?? []) as unknown as Comment[];
    },
  });
}

export function useEvents(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['tickets', 'events', id],
    enabled,
    queryFn: async () => {
      const { data, error } = await helpdesk().from('ticket_events')
        .select('id, kind, field, old_value, new_value, created_at, actor:members(full_name, email)')
        .eq('ticket_id', id).order('created_at', { ascending: false }).limit(100);
      if (error) throw error;
      return (data ?? []) as unknown as TicketEvent[];
    },
  });
}

export function useAddComment(ticketId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, internal, authorId }: { body: string; internal: boolean; authorId: string }) => {
      const { data, error } = await helpdesk().from('ticket_comments')
        .insert({ ticket_id: ticketId, body, internal, author_id: authorId }).select('id').single();
      if (error) throw error;
      return data as { id: string };
    },
    onSettled: () => {
      client.invalidateQueries({ queryKey: ['tickets', 'comments', ticketId] });
      client.invalidateQueries({ queryKey: ['tickets', 'one', ticketId] });
    },
  });
}

/** New replies, attachments and field changes of this ticket appear without a reload (RLS-filtered). */
export function useLiveTicket(id: string) {
  const client = useQueryClient();
  useEffect(() => {
    const refresh = (what: string) => () => client.invalidateQueries({ queryKey: ['tickets', what, id] });
    const channel = supabase().channel(`ticket-rows:${id}`)
      .on('postgres_changes', { event: '*', schema: 'helpdesk', table: 'ticket_comments', filter: `ticket_id=eq.${id}` }, refresh('comments'))
      .on('postgres_changes', { event: 'UPDATE', schema: 'helpdesk', table: 'tickets', filter: `id=eq.${id}` }, () => {
        refresh('one')(); refresh('events')(); refresh('attachments')();
      })
      .subscribe();
    return () => { supabase().removeChannel(channel); };
  }, [client, id]);
}

export interface Viewer { key: string; name: string; typing: boolean }

/**
 * Who else has this ticket open, and who is typing (realtime presence). `setTyping(true)` on each
 * keystroke; it turns itself off after 3 s of quiet.
 */
export function usePresence(ticketId: string, me: { id: string; name: string }) {
  const [viewers, setViewers] = useState<Viewer[]>([]);
  const channel = useRef<RealtimeChannel | null>(null);
  const typingTimer = useRef<ReturnType<typeof setTimeout>>();
  const typing = useRef(false);
  useEffect(() => {
    const ch = supabase().channel(`ticket-presence:${ticketId}`, { config: { presence: { key: me.id } } });
    channel.current = ch;
    ch.on('presence', { event: 'sync' }, () => {
      const state = ch.presenceState<{ name: string; typing: boolean }>();
      setViewers(Object.entries(state).filter(([key]) => key !== me.id)
        .map(([key, metas]) => ({ key, name: metas[metas.length - 1]?.name ?? 'Someone', typing: metas.some((m) => m.typing) })));
    }).subscribe((status) => {
      if (status === 'SUBSCRIBED') ch.track({ name: me.name, typing: false });
    });
    return () => { clearTimeout(typingTimer.current); channel.current = null; supabase().removeChannel(ch); };
  }, [ticketId, me.id, me.name]);
  function setTyping(on: boolean) {
    clearTimeout(typingTimer.current);
    if (on) typingTimer.current = setTimeout(() => setTyping(false), 3000);
    if (typing.current === on) return;
    typing.current = on;
    channel.current?.track({ name: me.name, typing: on });
  }
  return { viewers, setTyping };
}
