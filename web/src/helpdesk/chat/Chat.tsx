import { useQuery } from '@tanstack/react-query';
import { ArrowLeft, MessageCircle, Send } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useUser } from '@/lib/auth';
import { helpdesk } from '@/lib/supabase';
import {
  Badge, Button, Card, EmptyState, ErrorMessage, FormField, Input, PageHeader, Skeleton, Tabs, TabsList, TabsTrigger, Textarea, cn,
} from '@/ui';
import { isStaff, useMe } from '../role';
import {
  useConversations, useMessages, usePresence, useSend, useStartChat, useUpdateConversation, type Conversation,
} from './queries';

/** Support chat: agents see every conversation; requesters their own and a way to start one. */
export default function Chat() {
  const user = useUser();
  const me = useMe();
  const staff = isStaff(me.data?.role ?? 'requester');
  const myName = me.data?.full_name || user.email || 'Me';
  const [params, setParams] = useSearchParams();
  const selected = params.get('c');
  const [status, setStatus] = useState<'open' | 'closed' | 'all'>('open');
  const list = useConversations(user.id, staff ? status : 'all');
  const support = usePresence('chat-support', { id: user.id, name: myName, staff });
  const agentsOnline = support.present.filter((p) => p.staff).length;
  const open = (id: string | null) => setParams(id ? { c: id } : {}, { replace: false });
  const current = list.data?.find((c) => c.id === selected) ?? null;
  const unread = (list.data ?? []).reduce((n, c) => n + c.unread, 0);

  return (
    <div>
      <PageHeader title={staff ? 'Live chat' : 'Chat with support'}>
        <p className="text-sm text-muted-foreground">
          {staff ? `${unread} unread message${unread === 1 ? '' : 's'}` : agentsOnline ? `${agentsOnline} agent${agentsOnline === 1 ? '' : 's'} online` : 'No agent is online right now; we answer as soon as we are back.'}
        </p>
      </PageHeader>
      <div className="grid gap-4 md:grid-cols-[18rem_1fr]">
        <div className={cn('grid h-fit gap-2', selected && 'hidden md:grid')}>
          {staff && (
            <Tabs value={status} onValueChange={(v) => setStatus(v as typeof status)}>
              <TabsList><TabsTrigger value="open">Open</TabsTrigger><TabsTrigger value="closed">Closed</TabsTrigger><TabsTrigger value="all">All</TabsTrigger></TabsList>
            </Tabs>
          )}
          {!staff && <Button variant={selected ? 'outline' : 'primary'} onClick={() => open(null)}>New conversation</Button>}
          {list.error ? <ErrorMessage error={list.error} retry={() => list.refetch()} />
            : list.isLoading ? <Skeleton className="h-24" />
            : <ConversationList items={list.data ?? []} selected={selected} onOpen={open} staff={staff} />}
        </div>
        <div className={cn('min-w-0', !selected && staff && 'hidden md:block')}>
          {current ? <ChatPanel key={current.id} conversation={current} me={{ id: user.id, name: myName, staff }} onBack={() => open(null)} />
            : selected && list.isLoading ? <Skeleton className="h-64" />
            : staff ? <EmptyState icon={MessageCircle} title="Pick a conversation" description="Requesters' chats appear here as they start them." />
            : <StartChat meId={user.id} onStarted={open} />}
        </div>
      </div>
    </div>
  );
}

function ConversationList({ items, selected, onOpen, staff }: {
  items: Conversation[]; selected: string | null; onOpen: (id: string) => void; staff: boolean;
}) {
  if (!items.length) return <p className="p-2 text-sm text-muted-foreground">No conversations yet.</p>;
  return (
    <nav aria-label="Conversations">
      <ul className="grid gap-1">
        {items.map((c) => {
          const who = staff ? (c.requester?.full_name || c.requester?.email || 'Requester') : (c.agent?.full_name || 'Support');
          return (
            <li key={c.id}>
              <button type="button" onClick={() => onOpen(c.id)} aria-current={c.id === selected ? 'true' : undefined}
                aria-label={`${c.subject || 'Conversation'} with ${who}${c.unread ? `, ${c.unread} unread` : ''}`}
                className={cn('grid w-full gap-0.5 rounded-md border border-border p-2 text-left text-sm', c.id === selected ? 'bg-accent' : 'hover:bg-accent/60')}>
                <span className="flex items-center justify-between gap-2">
                  <span className={cn('truncate', c.unread ? 'font-semibold' : 'font-medium')}>{c.subject || 'Conversation'}</span>
                  {c.unread > 0 && <Badge tone="blue">{c.unread}</Badge>}
                </span>
                <span className="flex justify-between gap-2 text-xs text-muted-foreground">
                  <span className="truncate">{who}</span>
                  <span>{c.status === 'closed' ? 'Closed' : new Date(c.last_message_at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function StartChat({ meId, onStarted }: { meId: string; onStarted: (id: string) => void }) {
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const start = useStartChat(meId);
  return (
    <Card className="p-4">
      <form className="grid gap-3" onSubmit={async (e) => {
        e.preventDefault();
        if (!body.trim()) return;
        onStarted(await start.mutateAsync({ subject: subject.trim() || body.trim().slice(0, 60), body: body.trim() }));
      }}>
        <h2 className="font-semibold">Start a conversation</h2>
        <FormField label="Subject"><Input value={subject} onChange={(e) => setSubject(e.target.value)} placeholder="What is it about?" /></FormField>
        <FormField label="Message"><Textarea rows={4} value={body} onChange={(e) => setBody(e.target.value)} required /></FormField>
        <div><Button type="submit" loading={start.isPending} disabled={!body.trim()}>Start chat</Button></div>
      </form>
    </Card>
  );
}

function useNames(ids: string[]) {
  return useQuery({
    queryKey: ['chat', 'names', [...ids].sort().join(',')],
    enabled: ids.length > 0,
    staleTime: 5 * 60_000,
    queryFn: async () => {
      const { data } = await helpdesk().from('members').select('user_id, full_name, email').in('user_id', ids);
      return new Map((data ?? []).map((m) => [m.user_id as string, (m.full_name || m.email || 'Someone') as string]));
    },
  });
}

function ChatPanel({ conversation: c, me, onBack }: { conversation: Conversation; me: { id: string; name: string; staff: boolean }; onBack: () => void }) {
  const messages = useMessages(c.id, me.id);
  const send = useSend(c.id, me.id);
  const update = useUpdateConversation();
  const { present, setTyping } = usePresence(`chat:${c.id}`, me);
  const names = useNames([...new Set((messages.data ?? []).map((m) => m.author_id).filter((x): x is string => !!x))]);
  const [body, setBody] = useState('');
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => { end.current?.scrollIntoView({ block: 'end' }); }, [messages.data?.length]);
  const typing = present.filter((p) => p.typing);

  async function submit() {
    const text = body.trim();
    if (!text) return;
    setBody('');
    setTyping(false);
    try { await send.mutateAsync(text); } catch { setBody(text); }
  }
  return (
    <Card className="flex h-[70vh] flex-col">
      <div className="flex flex-wrap items-center gap-2 border-b border-border p-3">
        <Button variant="ghost" size="icon" aria-label="Back to conversations" className="md:hidden" onClick={onBack}><ArrowLeft aria-hidden className="h-4 w-4" /></Button>
        <div className="min-w-0 flex-1">
          <h2 className="truncate font-semibold">{c.subject || 'Conversation'}</h2>
          <p className="text-xs text-muted-foreground" aria-live="polite">
            {present.length ? `Here now: ${present.map((p) => p.name).join(', ')}` : 'Nobody else is here right now'}
          </p>
        </div>
        {me.staff && !c.agent_id && <Button size="sm" variant="outline" onClick={() => update.mutate({ id: c.id, agent_id: me.id })}>Take conversation</Button>}
        <Button size="sm" variant="outline" loading={update.isPending}
          onClick={() => update.mutate({ id: c.id, status: c.status === 'open' ? 'closed' : 'open' })}>
          {c.status === 'open' ? 'Close conversation' : 'Reopen'}
        </Button>
      </div>
      <div className="flex-1 overflow-y-auto p-3">
        {messages.error ? <ErrorMessage error={messages.error} retry={() => messages.refetch()} /> : (
          <ol role="log" aria-label="Messages" className="grid gap-2">
            {(messages.data ?? []).map((m) => {
              const mine = m.author_id === me.id;
              const who = mine ? 'You' : (names.data?.get(m.author_id ?? '') ?? '…');
              return (
                <li key={m.id} aria-label={`Message from ${who}`} className={cn('max-w-[85%] rounded-lg px-3 py-2 text-sm', mine ? 'ml-auto bg-primary text-primary-foreground' : 'bg-muted')}>
                  <div className="whitespace-pre-wrap break-words">{m.body}</div>
                  <div className={cn('mt-0.5 text-[11px]', mine ? 'text-primary-foreground/80' : 'text-muted-foreground')}>
                    {who} · {new Date(m.created_at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
                  </div>
                </li>
              );
            })}
          </ol>
        )}
        <div ref={end} />
      </div>
      <p className="h-5 px-3 text-xs text-muted-foreground" aria-live="polite">{typing.length ? `${typing.map((p) => p.name).join(', ')} ${typing.length === 1 ? 'is' : 'are'} typing…` : ''}</p>
      {c.status === 'open' ? (
        <form className="flex items-end gap-2 border-t border-border p-3" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
          <div className="flex-1"><FormField label="Message">
            <Textarea rows={2} value={body} onChange={(e) => { setBody(e.target.value); setTyping(!!e.target.value); }}
              onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); void submit(); } }} />
          </FormField></div>
          <Button type="submit" aria-label="Send message" loading={send.isPending} disabled={!body.trim()}><Send aria-hidden className="h-4 w-4" /></Button>
        </form>
      ) : <p className="border-t border-border p-3 text-sm text-muted-foreground">This conversation is closed. Reopen it to write again.</p>}
    </Card>
  );
}
