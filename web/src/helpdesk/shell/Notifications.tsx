import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Bell } from 'lucide-react';
import { useEffect } from 'react';
import { useNavigate } from 'react-router-dom';
import { useUser } from '@/lib/auth';
import { helpdesk, supabase } from '@/lib/supabase';
import { Button, DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuSeparator, DropdownMenuTrigger } from '@/ui';
import { relativeTime } from '../tickets/model';

interface Note { id: string; kind: string; title: string; body: string | null; ticket_id: string | null; read_at: string | null; created_at: string }

/** The in-app notifications (helpdesk.notifications, written by triggers), live, with an unread count. */
export function Notifications({ staff }: { staff: boolean }) {
  const user = useUser();
  const navigate = useNavigate();
  const client = useQueryClient();
  const notes = useQuery({
    queryKey: ['notifications', user.id],
    queryFn: async () => {
      const { data, error } = await helpdesk().from('notifications').select('id, kind, title, body, ticket_id, read_at, created_at')
        .eq('member_id', user.id).order('created_at', { ascending: false }).limit(20);
      if (error) throw error;
      return (data ?? []) as Note[];
    },
  });
  useEffect(() => {
    const channel = supabase().channel('my-notifications')
      .on('postgres_changes', { event: '*', schema: 'helpdesk', table: 'notifications', filter: `member_id=eq.${user.id}` },
        () => client.invalidateQueries({ queryKey: ['notifications', user.id] }))
      .subscribe();
    return () => { supabase().removeChannel(channel); };
  }, [client, user.id]);
  const markAll = useMutation({
    mutationFn: async () => {
      const { error } = await helpdesk().from('notifications').update({ read_at: new Date().toISOString() })
        .eq('member_id', user.id).is('read_at', null);
      if (error) throw error;
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['notifications', user.id] }),
  });
  const unread = (notes.data ?? []).filter((n) => !n.read_at).length;
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="icon" aria-label={unread ? `Notifications, ${unread} unread` : 'Notifications'} className="relative">
          <Bell aria-hidden className="h-5 w-5" />
          {unread > 0 && <span aria-hidden className="absolute right-1 top-1 min-w-[1rem] rounded-full bg-destructive px-1 text-[10px] font-bold leading-4 text-destructive-foreground">{unread}</span>}
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent className="w-80">
        <DropdownMenuLabel>Notifications</DropdownMenuLabel>
        {(notes.data ?? []).length === 0 && <p className="px-2 py-3 text-sm text-muted-foreground">Nothing new.</p>}
        {(notes.data ?? []).map((n) => (
          <DropdownMenuItem key={n.id} onSelect={() => n.ticket_id && navigate(`${staff ? '/tickets' : '/my-tickets'}/${n.ticket_id}`)}
            className={n.read_at ? 'opacity-70' : 'font-medium'}>
            <div className="grid">
              <span>{n.title}</span>
              {n.body && <span className="line-clamp-2 text-xs font-normal text-muted-foreground">{n.body}</span>}
              <span className="text-xs font-normal text-muted-foreground">{relativeTime(n.created_at)}</span>
            </div>
          </DropdownMenuItem>
        ))}
        {unread > 0 && <><DropdownMenuSeparator /><DropdownMenuItem onSelect={() => markAll.mutate()}>Mark all as read</DropdownMenuItem></>}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
