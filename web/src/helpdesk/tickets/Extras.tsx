import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Clock, Eye, History } from 'lucide-react';
import { useState } from 'react';
import { useUser } from '@/lib/auth';
import { helpdesk } from '@/lib/supabase';
import { Button, Card, CardContent, CardHeader, CardTitle, Input, Label } from '@/ui';
import { personName, relativeTime, type PersonRef } from './model';
import { useEvents } from './ticket';

/** The ticket's history (written by triggers): who changed what, newest first. */
export function HistoryCard({ ticketId }: { ticketId: string }) {
  const events = useEvents(ticketId, true);
  return (
    <Card>
      <CardHeader><CardTitle className="flex items-center gap-2"><History aria-hidden className="h-4 w-4" />History</CardTitle></CardHeader>
      <CardContent>
        <ol className="grid gap-1 text-xs" aria-label="History">
          {(events.data ?? []).slice(0, 20).map((e) => (
            <li key={e.id} className="flex justify-between gap-2">
              <span>{personName(e.actor)}: {e.field ? `${e.field} ${e.old_value ?? '—'} → ${e.new_value ?? '—'}` : e.kind.replace(/_/g, ' ')}</span>
              <time className="shrink-0 text-muted-foreground" dateTime={e.created_at}>{relativeTime(e.created_at)}</time>
            </li>
          ))}
          {events.data?.length === 0 && <li className="text-muted-foreground">No changes yet.</li>}
        </ol>
      </CardContent>
    </Card>
  );
}

/** Time spent on the ticket, and a quick form to log more (agents). */
export function TimeCard({ ticketId, canLog }: { ticketId: string; canLog: boolean }) {
  const user = useUser();
  const client = useQueryClient();
  const [minutes, setMinutes] = useState('');
  const entries = useQuery({
    queryKey: ['tickets', 'time', ticketId],
    queryFn: async () => {
      const { data, error } = await helpdesk().from('time_entries').select('id, minutes, note, spent_on, member:members(full_name, email)')
        .eq('ticket_id', ticketId).order('created_at');
      if (error) throw error;
      return (data ?? []) as unknown as { id: string; minutes: number; note: string | null; spent_on: string; member: PersonRef | null }[];
    },
  });
  const log = useMutation({
    mutationFn: async (m: number) => {
      const { error } = await helpdesk().from('time_entries').insert({ ticket_id: ticketId, member_id: user.id, minutes: m });
      if (error) throw error;
    },
    onSuccess: () => { setMinutes(''); client.invalidateQueries({ queryKey: ['tickets', 'time', ticketId] }); },
  });
  const total = (entries.data ?? []).reduce((sum, e) => sum + e.minutes, 0);
  return (
    <Card>
      <CardHeader><CardTitle className="flex items-center gap-2"><Clock aria-hidden className="h-4 w-4" />Time: {Math.floor(total / 60)}h {total % 60}m</CardTitle></CardHeader>
      {canLog && (
        <CardContent>
          <form className="flex items-end gap-2" onSubmit={(e) => { e.preventDefault(); const m = parseInt(minutes, 10); if (m > 0) log.mutate(m); }}>
            <div className="grid flex-1 gap-1"><Label htmlFor={`time-${ticketId}`} className="text-xs">Minutes spent</Label>
              <Input id={`time-${ticketId}`} type="number" min={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} /></div>
            <Button type="submit" size="sm" loading={log.isPending}>Log time</Button>
          </form>
        </CardContent>
      )}
    </Card>
  );
}

/** People who follow the ticket (they see it and get its notifications). */
export function WatchersCard({ ticketId, canEdit }: { ticketId: string; canEdit: boolean }) {
  const user = useUser();
  const client = useQueryClient();
  const watchers = useQuery({
    queryKey: ['tickets', 'watchers', ticketId],
    queryFn: async () => {
      const { data, error } = await helpdesk().from('ticket_watchers').select('member_id, member:members(full_name, email)').eq('ticket_id', ticketId);
      if (error) throw error;
      return (data ?? []) as unknown as { member_id: string; member: PersonRef | null }[];
    },
  });
  const watching = (watchers.data ?? []).some((w) => w.member_id === user.id);
  const toggle = useMutation({
    mutationFn: async () => {
      const table = helpdesk().from('ticket_watchers');
      const { error } = watching
        ? await table.delete().eq('ticket_id', ticketId).eq('member_id', user.id)
        : await table.insert({ ticket_id: ticketId, member_id: user.id });
      if (error) throw error;
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['tickets', 'watchers', ticketId] }),
  });
  return (
    <Card>
      <CardHeader><CardTitle className="flex items-center gap-2"><Eye aria-hidden className="h-4 w-4" />Watchers</CardTitle></CardHeader>
      <CardContent className="grid gap-2 text-sm">
        <p>{(watchers.data ?? []).map((w) => personName(w.member)).join(', ') || 'Nobody yet.'}</p>
        {canEdit && <Button size="sm" variant="outline" loading={toggle.isPending} onClick={() => toggle.mutate()}>{watching ? 'Stop watching' : 'Watch'}</Button>}
      </CardContent>
    </Card>
  );
}
