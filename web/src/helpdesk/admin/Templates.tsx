import { Badge, DataTable, ErrorMessage, type Column } from '@/ui';
import { useRows } from './queries';

// The notification mails are files, not rows (see docs/helpdesk-mail.md): the packaged ones, overridable
// one by one from the operator's folder. This screen says where they live and shows the recent mail queue.
const TEMPLATES: [string, string][] = [
  ['ticket_created_requester', 'to the requester: we got your ticket'],
  ['ticket_created_agents', 'to the team (or all agents): a new ticket'],
  ['ticket_assigned', 'to the assignee'],
  ['comment_requester', 'to the requester: a public reply'],
  ['comment_assignee', 'to the assignee: the requester wrote'],
  ['status_changed', 'to the requester: the status changed'],
  ['sla_warning', 'to the assignee: an SLA is about to be breached'],
];

interface Outbox { id: number; kind: string; to_email: string; subject: string | null; created_at: string; sent_at: string | null; attempts: number; last_error: string | null }

export default function Templates() {
  const outbox = useRows<Outbox>('notification_outbox', 'id, kind, to_email, subject, created_at, sent_at, attempts, last_error', 'created_at', false);
  const columns: Column<Outbox>[] = [
    { id: 'when', header: 'Queued', cell: (o) => new Date(o.created_at).toLocaleString() },
    { id: 'to', header: 'To', cell: (o) => o.to_email },
    { id: 'subject', header: 'Subject', cell: (o) => o.subject ?? o.kind, className: 'hidden md:table-cell' },
    { id: 'state', header: 'State', cell: (o) => o.sent_at ? <Badge tone="green">Sent</Badge>
      : o.last_error ? <Badge tone="red" title={o.last_error}>Failing ({o.attempts})</Badge> : <Badge tone="amber">Queued</Badge> },
  ];
  return (
    <div className="grid gap-6">
      <section aria-label="Notification templates" className="grid gap-2 text-sm">
        <h2 className="text-lg font-semibold">Notification templates</h2>
        <p>Mail templates are files on the server, not settings in the database. Each is <code>&lt;name&gt;.txt</code> (first line
          {' '}<code>Subject: …</code>, a blank line, the text) and optionally <code>&lt;name&gt;.html</code>; placeholders look like <code>{'{{number}}'}</code>, <code>{'{{title}}'}</code>, <code>{'{{link}}'}</code> (see docs/helpdesk-mail.md).</p>
        <p>The packaged ones live in <code>oricol/helpdesk/notify/templates/</code>. To change one, put a file of the same name in the folder
          named by <code>ORICOL_HELPDESK_TEMPLATES_DIR</code> and restart; the others keep their packaged text.</p>
        <ul className="grid gap-1">
          {TEMPLATES.map(([name, what]) => <li key={name}><code className="rounded bg-muted px-1">{name}</code> — {what}</li>)}
        </ul>
      </section>
      <section aria-label="Mail queue" className="grid gap-2">
        <h2 className="text-lg font-semibold">Recent mail</h2>
        {outbox.error ? <ErrorMessage error={outbox.error} />
          : <DataTable label="Mail queue" columns={columns} rows={(outbox.data ?? []).slice(0, 100)} rowId={(o) => String(o.id)} loading={outbox.isLoading} />}
      </section>
    </div>
  );
}
