// Support chat: helpdesk.chat_conversations / chat_messages live over realtime (postgres_changes under
// RLS), chat_reads for unread counts, presence for who is online and typing.
import type { RealtimeChannel } from '@supabase/supabase-js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { helpdesk, supabase } from '@/lib/supabase';

export interface Conversation {
  id: string; subject: string | null; status: 'open' | 'closed'; requester_id: string; agent_id: string | null;
  created_at: string; last_message_at: string; unread: number;
  requester: { full_name: string | null; email: string | null } | null;
  agent: { full_name: string | null } | null;
}
export interface Message { id: string; conversation_id: string; author_id: string | null; body: string; created_at: string }

/** The caller's conversations (a requester's own; all for staff), newest first, with unread counts. */
export function useConversations(meId: string, status: 'open' | 'closed' | 'all' = 'all') {
  const client = useQueryClient();
  useEffect(() => {
    const channel = supabase().channel(`chat-list:${meId}`)
      .on('postgres_changes', { event: '*', schema: 'helpdesk', table: 'chat_conversations' },
        () => client.invalidateQueries({ queryKey: ['chat', 'list'] }))
      .subscribe();
    return () => { supabase().removeChannel(channel); };
  }, [client, meId]);
  return useQuery({
    queryKey: ['chat', 'list', status],
    queryFn: async (): Promise<Conversation[]> => {
      let q = helpdesk().from('chat_conversations')
        .select('id, subject, status, requester_id, agent_id, created_at, last_message_at, '
          + 'requester:members!chat_conversations_requester_id_fkey(full_name, email), agent:members!chat_conversations_agent_id_fkey(full_name)')
        .order('last_message_at', { ascending: false }).limit(100);
      if (status !== 'all') q = q.eq('status', status);
      const [{ data, error }, reads] = await Promise.all([q, helpdesk().from('chat_reads').select('conversation_id, last_read_at').eq('member_id', meId)]);
      if (error) throw error;
      if (reads.error) throw reads.error;
      const lastRead = new Map((reads.data ?? []).map((r) => [r.conversation_id as string, r.last_read_at as string]));
      const rows = (data ?? []) as unknown as Omit<Conversation, 'unread'>[];
      return Promise.all(rows.map(async (c) => ({ ...c, unread: await unreadCount(c, meId, lastRead.get(c.id)) })));
    },
  });
}

/** Messages from others after the caller last read the conversation (none when nothing newer arrived). */
async function unreadCount(c: Omit<Conversation, 'unread'>, meId: string, lastRead?: string): Promise<number> {
  if (lastRead && c.last_message_at <= lastRead) return 0;
  let q = helpdesk().from('chat_messages').select('id', { count: 'exact', head: true })
    .eq('conversation_id', c.id).neq('author_id', meId);
  if (lastRead) q = q.gt('created_at', lastRead);
  const { count } = await q;
  return count ?? 0;
}

/** One conversation's messages; new ones arrive live and the conversation is marked read while open. */
export function useMessages(conversationId: string, meId: string) {
  const client = useQueryClient();
  const key = ['chat', 'messages', conversationId];
  useEffect(() => {
    const channel = supabase().channel(`chat-messages:${conversationId}`)
      .on('postgres_changes', { event: 'INSERT', schema: 'helpdesk', table: 'chat_messages', filter: `conversation_id=eq.${conversationId}` },
        (payload) => {
          client.setQueryData<Message[]>(key, (old) => {
            const m = payload.new as Message;
            return old?.some((x) => x.id === m.id) ? old : [...(old ?? []), m];
          });
          void markRead(conversationId, meId).then(() => client.invalidateQueries({ queryKey: ['chat', 'list'] }));
        })
      .subscribe();
    void markRead(conversationId, meId).then(() => client.invalidateQueries({ queryKey: ['chat', 'list'] }));
    return () => { supabase().removeChannel(channel); };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, conversationId, meId]);
  return useQuery({
    queryKey: key,
    queryFn: async (): Promise<Message[]> => {
      const { data, error } = await helpdesk().from('chat_messages').select('id, conversation_id, author_id, body, created_at')
        .eq('conversation_id', conversationId).order('created_at').limit(500);
      if (error) throw error;
      return (data ?? []) as Message[];
    },
  });
}

async function markRead(conversationId: string, meId: string) {
  await helpdesk().from('chat_reads').upsert({ conversation_id: conversationId, member_id: meId, last_read_at: new Date().toISOString() });
}

export function useSend(conversationId: string, meId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: string) => {
      const { data, error } = await helpdesk().from('chat_messages')
        .insert({ conversation_id: conversationId, author_id: meId, body }).select('id, conversation_id, author_id, body, created_at').single();
      if (error) throw error;
      return data as Message;
    },
    onSuccess: (m) => client.setQueryData<Message[]>(['chat', 'messages', conversationId],
      (old) => (old?.some((x) => x.id === m.id) ? old : [...(old ?? []), m])),
  });
}

export function useStartChat(meId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ subject, body }: { subject: string; body: string }) => {
      const { data, error } = await helpdesk().from('chat_conversations')
        .insert({ requester_id: meId, subject, status: 'open' }).select('id').single();
      if (error) throw error;
      const sent = await helpdesk().from('chat_messages').insert({ conversation_id: data.id, author_id: meId, body });
      if (sent.error) throw sent.error;
      return data.id as string;
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['chat', 'list'] }),
  });
}

/** An agent takes a conversation, or either side closes / reopens it. */
export function useUpdateConversation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, ...change }: { id: string; agent_id?: string; status?: 'open' | 'closed' }) => {
      const { error } = await helpdesk().from('chat_conversations').update(change).eq('id', id);
      if (error) throw error;
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['chat', 'list'] }),
  });
}

export interface Present { key: string; name: string; typing: boolean; staff: boolean }

/**
 * Presence on a channel: everyone tracks {name, staff, typing}. The conversation channel gives who is
 * here and typing; the shared `chat-support` channel tells requesters whether any agent is online.
 */
export function usePresence(topic: string, me: { id: string; name: string; staff: boolean }) {
  const [present, setPresent] = useState<Present[]>([]);
  const channel = useRef<RealtimeChannel | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const typing = useRef(false);
  useEffect(() => {
    const ch = supabase().channel(topic, { config: { presence: { key: me.id } } });
    channel.current = ch;
    ch.on('presence', { event: 'sync' }, () => {
      const state = ch.presenceState<{ name: string; typing: boolean; staff: boolean }>();
      setPresent(Object.entries(state).filter(([key]) => key !== me.id).map(([key, metas]) => ({
        key, name: metas[metas.length - 1]?.name ?? 'Someone', typing: metas.some((m) => m.typing), staff: metas.some((m) => m.staff),
      })));
    }).subscribe((status) => {
      if (status === 'SUBSCRIBED') void ch.track({ name: me.name, typing: false, staff: me.staff });
    });
    return () => { clearTimeout(timer.current); channel.current = null; supabase().removeChannel(ch); };
  }, [topic, me.id, me.name, me.staff]);
  function setTyping(on: boolean) {
    clearTimeout(timer.current);
    if (on) timer.current = setTimeout(() => setTyping(false), 3000);
    if (typing.current === on) return;
    typing.current = on;
    void channel.current?.track({ name: me.name, typing: on, staff: me.staff });
  }
  return { present, setTyping };
}
