import { ArrowLeft, FileText } from 'lucide-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { useUser } from '@/lib/auth';
import { Badge, Button, Card, CardContent, CardHeader, CardTitle, ConfirmDialog, EmptyState, ErrorMessage, Progress, Skeleton, toast } from '@/ui';
import { describeError } from '@/lib/errors';
import { isStaff, useMe } from '../role';
import { AttachmentPicker } from './AttachmentPicker';
import { formatBytes, uploadAttachments, useAttachments } from './attachments';
import { Conversation } from './Conversation';
import { HistoryCard, TimeCard, WatchersCard } from './Extras';
import { personName } from './model';
import { useUpdateTickets } from './queries';
import { ReplyBox } from './ReplyBox';
import { SidePanel } from './SidePanel';
import { PriorityBadge, StatusBadge } from './TicketBadges';
import { useComments, useLiveTicket, usePresence, useTicket } from './ticket';

/** One ticket: its conversation and reply box, attachments, and (staff) the side panel. Live. */
export default function TicketPage() {
  const { id = '' } = useParams();
  const user = useUser();
  const me = useMe();
  const staff = !!me.data && isStaff(me.data.role);
  const worker = !!me.data && ['agent', 'admin'].includes(me.data.role);
  const ticket = useTicket(id);
  const comments = useComments(id);
  useLiveTicket(id);
  const presence = usePresence(id, { id: user.id, name: me.data?.full_name || user.email || 'Someone' });
  const update = useUpdateTickets();

  if (ticket.isPending) return <div className="grid gap-3"><Skeleton className="h-8 w-2/3" /><Skeleton className="h-40 w-full" /></div>;
  if (ticket.error) return <ErrorMessage error={ticket.error} retry={() => ticket.refetch()} title="Could not load the ticket" />;
  if (!ticket.data) return <EmptyState title="Ticket not found" description="It does not exist, or you do not have access to it." />;
  const t = ticket.data;
  const back = staff ? '/tickets' : '/my-tickets';
  const mine = t.requester_id === user.id;
  const open = !['resolved', 'closed'].includes(t.status);

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <div className="grid min-w-0 content-start gap-4">
        <div>
          <Link to={back} className="mb-2 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
            <ArrowLeft aria-hidden className="h-4 w-4" />Back to tickets
          </Link>
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-mono text-sm text-muted-foreground">{t.number}</span>
            <StatusBadge status={t.status} /><PriorityBadge priority={t.priority} />
            {t.category && <Badge tone="outline">{t.category}</Badge>}
          </div>
          <h1 className="mt-1 text-xl font-semibold">{t.title}</h1>
          <p className="text-sm text-muted-foreground">Opened by {personName(t.requester)} · {new Date(t.created_at).toLocaleString()}</p>
        </div>
        <ViewersStrip viewers={presence.viewers} />
        {comments.error ? <ErrorMessage error={comments.error} /> : (
          <Conversation description={t.description} requester={t.requester} createdAt={t.created_at} comments={comments.data ?? []} />
        )}
        <AttachmentsCard ticketId={t.id} canUpload={mine || worker} />
        {(staff || mine) && t.status !== 'closed' && (
          <ReplyBox ticketId={t.id} authorId={user.id} staff={worker} onTyping={presence.setTyping} />
        )}
        {!staff && mine && t.status !== 'closed' && (
          <ConfirmDialog title="Close this ticket?" description="Close it when your problem is solved. You can open a new ticket any time."
            confirmLabel="Close ticket" onConfirm={() => update.mutateAsync({ ids: [t.id], change: { status: 'closed' } })}
            trigger={<Button variant="outline" className="w-fit">Close ticket</Button>} />
        )}
      </div>
      <aside aria-label="Ticket details" className="grid content-start gap-3">
        {staff ? <SidePanel ticket={t} canEdit={worker || me.data?.role === 'manager'} /> : (
          <Card><CardHeader><CardTitle>Details</CardTitle></CardHeader>
            <CardContent className="grid gap-1 text-sm">
              <div>Status: <StatusBadge status={t.status} /></div>
              <div>Assigned to: {t.assignee ? personName(t.assignee) : 'Not yet assigned'}</div>
              {!open && t.resolved_at && <div>Resolved {new Date(t.resolved_at).toLocaleString()}</div>}
            </CardContent></Card>
        )}
        {staff && <TimeCard ticketId={t.id} canLog={worker} />}
        {staff && <WatchersCard ticketId={t.id} canEdit={worker} />}
        {staff && <HistoryCard ticketId={t.id} />}
      </aside>
    </div>
  );
}

function ViewersStrip({ viewers }: { viewers: { key: string; name: string; typing: boolean }[] }) {
  if (!viewers.length) return null;
  return (
    <div role="status" aria-label="Also viewing" className="flex flex-wrap gap-2 text-xs text-muted-foreground">
      {viewers.map((v) => (
        <span key={v.key} className="inline-flex items-center gap-1 rounded-full bg-muted px-2 py-0.5">
          <span aria-hidden className="h-2 w-2 rounded-full bg-green-500" />{v.name}{v.typing ? ' is typing…' : ' is viewing'}
        </span>
      ))}
    </div>
  );
}

function AttachmentsCard({ ticketId, canUpload }: { ticketId: string; canUpload: boolean }) {
  const user = useUser();
  const client = useQueryClient();
  const list = useAttachments(ticketId);
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  async function upload() {
    try {
      await uploadAttachments(ticketId, files, user.id, { onProgress: (d, n) => setProgress(Math.round((d / n) * 100)) });
      setFiles([]);
      toast.success('Attached');
    } catch (e) { toast.error('Could not attach the files', describeError(e)); }
    finally { setProgress(null); client.invalidateQueries({ queryKey: ['tickets', 'attachments', ticketId] }); }
  }
  const items = list.data ?? [];
  return (
    <Card>
      <CardHeader><CardTitle>Attachments</CardTitle></CardHeader>
      <CardContent className="grid gap-3">
        {list.error && <ErrorMessage error={list.error} />}
        {items.length > 0 && (
          <ul className="grid grid-cols-2 gap-2 sm:grid-cols-3" aria-label="Attached files">
            {items.map((a) => (
              <li key={a.id} className="overflow-hidden rounded-md border border-border text-xs">
                <a href={a.url} target="_blank" rel="noreferrer" className="block hover:bg-accent">
                  {a.preview ? <img src={a.preview} alt={a.file_name} className="h-24 w-full bg-muted object-contain" loading="lazy" />
                    : <div className="flex h-24 items-center justify-center bg-muted"><FileText aria-hidden className="h-8 w-8 text-muted-foreground" /></div>}
                  <div className="truncate p-1.5">{a.file_name} <span className="text-muted-foreground">{formatBytes(a.size_bytes)}</span></div>
                </a>
              </li>
            ))}
          </ul>
        )}
        {items.length === 0 && !list.isPending && <p className="text-sm text-muted-foreground">No files attached.</p>}
        {canUpload && (
          <>
            <AttachmentPicker files={files} onChange={setFiles} label="Add attachments" />
            {progress != null && <Progress value={progress} label="Uploading attachments" />}
            {files.length > 0 && <Button className="w-fit" onClick={upload} loading={progress != null}>Upload {files.length} file{files.length === 1 ? '' : 's'}</Button>}
          </>
        )}
      </CardContent>
    </Card>
  );
}
