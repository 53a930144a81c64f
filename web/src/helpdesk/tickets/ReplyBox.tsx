import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { helpdesk } from '@/lib/supabase';
import { Button, Label, Select, Textarea, toast } from '@/ui';
import { cn } from '@/ui';
import { useAddComment } from './ticket';

/** Public reply or (staff) internal note; the two modes look different so nobody sends a note by mistake. */
export function ReplyBox({ ticketId, authorId, staff, onTyping }: {
  ticketId: string; authorId: string; staff: boolean; onTyping: (on: boolean) => void;
}) {
  const [mode, setMode] = useState<'public' | 'internal'>('public');
  const [body, setBody] = useState('');
  const add = useAddComment(ticketId);
  const canned = useQuery({
    queryKey: ['canned'], enabled: staff, staleTime: 5 * 60_000,
    queryFn: async () => {
      const { data, error } = await helpdesk().from('canned_replies').select('id, title, body').order('title');
      if (error) throw error;
      return (data ?? []) as { id: string; title: string; body: string }[];
    },
  });
  const internal = mode === 'internal';
  async function send() {
    if (!body.trim()) return;
    await add.mutateAsync({ body: body.trim(), internal, authorId });
    setBody('');
    onTyping(false);
    toast.success(internal ? 'Internal note added' : 'Reply sent');
  }
  const label = internal ? 'Internal note' : 'Reply';
  return (
    <div className={cn('grid gap-2 rounded-lg border p-3', internal ? 'border-amber-400 bg-internal' : 'border-border bg-card')}>
      {staff && (
        <div role="radiogroup" aria-label="Reply type" className="flex gap-1">
          {(['public', 'internal'] as const).map((m) => (
            <button key={m} type="button" role="radio" aria-checked={mode === m} onClick={() => setMode(m)}
              className={cn('rounded-md px-3 py-1 text-sm font-medium', mode === m ? 'bg-background shadow-sm' : 'text-muted-foreground')}>
              {m === 'public' ? 'Public reply' : 'Internal note'}
            </button>
          ))}
          {(canned.data?.length ?? 0) > 0 && (
            <div className="ml-auto w-48"><Select aria-label="Insert canned reply" placeholder="Canned reply…" value=""
              options={(canned.data ?? []).map((c) => ({ value: c.id, label: c.title }))}
              onValueChange={(id) => { const c = canned.data?.find((x) => x.id === id); if (c) setBody((b) => (b ? `${b}\n\n` : '') + c.body); }} /></div>
          )}
        </div>
      )}
      <Label htmlFor={`reply-${ticketId}`}>{label}</Label>
      <Textarea id={`reply-${ticketId}`} rows={4} value={body}
        placeholder={internal ? 'Only staff see internal notes' : 'Write a reply the requester will see'}
        onChange={(e) => { setBody(e.target.value); onTyping(e.target.value.length > 0); }}
        onKeyDown={(e) => { if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) { e.preventDefault(); send(); } }} />
      <div className="flex items-center justify-between gap-2">
        <span className="text-xs text-muted-foreground">Ctrl+Enter sends</span>
        <Button onClick={send} loading={add.isPending} disabled={!body.trim()} variant={internal ? 'secondary' : 'primary'}>
          {internal ? 'Add internal note' : 'Send reply'}
        </Button>
      </div>
    </div>
  );
}
