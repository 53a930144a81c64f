import { Badge } from '@/ui';
import { PRIORITY_LABEL, PRIORITY_TONE, slaCountdown, STATUS_LABEL, STATUS_TONE, type Priority, type Status, type TicketRow } from './model';

export const StatusBadge = ({ status }: { status: Status }) => <Badge tone={STATUS_TONE[status]}>{STATUS_LABEL[status]}</Badge>;
export const PriorityBadge = ({ priority }: { priority: Priority }) => <Badge tone={PRIORITY_TONE[priority]}>{PRIORITY_LABEL[priority]}</Badge>;

/** The next SLA clock of a ticket: first response until answered, then resolution. */
export function SlaBadge({ ticket, now }: { ticket: TicketRow; now?: Date }) {
  const open = !['resolved', 'closed'].includes(ticket.status);
  const c = !ticket.first_responded_at && ticket.first_response_due_at
    ? slaCountdown(ticket.first_response_due_at, null, ticket.sla_paused_at, now)
    : slaCountdown(ticket.resolution_due_at, open ? null : ticket.resolved_at, ticket.sla_paused_at, now);
  if (!c) return <span className="text-muted-foreground">—</span>;
  return <Badge tone={c.tone} title={c.overdue ? 'SLA breached' : 'Time left on the SLA'}>{c.label}</Badge>;
}
