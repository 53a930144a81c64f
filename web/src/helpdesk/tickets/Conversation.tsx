import { Lock, MessageSquare } from 'lucide-react';
import { Badge, cn } from '@/ui';
import { personName, relativeTime, type PersonRef } from './model';
import type { Comment } from './ticket';

/**
 * The ticket's thread: the description first, then replies. Internal notes are unmistakable: amber
 * background, a lock and an "Internal note" badge (and requesters never receive them: RLS).
 */
export function Conversation({ description, requester, createdAt, comments }: {
  description: string; requester: PersonRef | null; createdAt: string; comments: Comment[];
}) {
  return (
    <ol aria-label="Conversation" className="grid gap-3">
      <Message author={personName(requester)} at={createdAt} body={description || '(no description)'} label="Original request" />
      {comments.map((c) => (
        <Message key={c.id} author={personName(c.author)} at={c.created_at} body={c.body} internal={c.internal} />
      ))}
    </ol>
  );
}

function Message({ author, at, body, internal, label }: { author: string; at: string; body: string; internal?: boolean; label?: string }) {
  return (
    <li aria-label={internal ? `Internal note by ${author}` : `${label ?? 'Reply'} by ${author}`}
      className={cn('rounded-lg border p-3', internal ? 'border-amber-400 bg-internal text-internal-foreground' : 'border-border bg-card')}>
      <div className="mb-1 flex flex-wrap items-center gap-2 text-sm">
        {internal ? <Lock aria-hidden className="h-4 w-4" /> : <MessageSquare aria-hidden className="h-4 w-4 text-muted-foreground" />}
        <span className="font-medium">{author}</span>
        {internal && <Badge tone="amber">Internal note</Badge>}
        {label && <Badge tone="outline">{label}</Badge>}
        <time dateTime={at} title={new Date(at).toLocaleString()} className="ml-auto text-xs opacity-70">{relativeTime(at)}</time>
      </div>
      <p className="whitespace-pre-wrap break-words text-sm">{body}</p>
    </li>
  );
}
