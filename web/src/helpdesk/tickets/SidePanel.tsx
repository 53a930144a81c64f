import { useUser } from '@/lib/auth';
import { Badge, Button, Card, CardContent, CardHeader, CardTitle, Label, Select } from '@/ui';
import { PRIORITIES, PRIORITY_LABEL, slaCountdown, STATUSES, STATUS_LABEL, type Priority, type Status } from './model';
import { useReference, useUpdateTickets, type TicketChange } from './queries';
import type { TicketDetail } from './ticket';

/** Status, priority, assignee, team and category of a ticket (editable by staff), its SLA clocks and asset. */
export function SidePanel({ ticket, canEdit }: { ticket: TicketDetail; canEdit: boolean }) {
  const user = useUser();
  const reference = useReference();
  const update = useUpdateTickets();
  const change = (c: TicketChange) => update.mutate({ ids: [ticket.id], change: c });
  const staff = reference.data?.staff ?? [];
  const done = ['resolved', 'closed'].includes(ticket.status);
  const first = slaCountdown(ticket.first_response_due_at, ticket.first_responded_at, ticket.sla_paused_at);
  const resolution = slaCountdown(ticket.resolution_due_at, done ? ticket.resolved_at ?? ticket.closed_at : null, ticket.sla_paused_at);
  return (
    <div className="grid gap-3">
      <Card>
        <CardHeader><CardTitle>Details</CardTitle></CardHeader>
        <CardContent className="grid gap-3">
          <Row label="Status" id="side-status">
            <Select id="side-status" aria-label="Status" disabled={!canEdit || update.isPending} value={ticket.status}
              options={STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] }))} onValueChange={(v) => change({ status: v as Status })} />
          </Row>
          <Row label="Priority" id="side-priority">
            <Select id="side-priority" aria-label="Priority" disabled={!canEdit || update.isPending} value={ticket.priority}
              options={PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABEL[p] }))} onValueChange={(v) => change({ priority: v as Priority })} />
          </Row>
          <Row label="Assignee" id="side-assignee">
            <div className="flex gap-1">
              <Select id="side-assignee" aria-label="Assignee" disabled={!canEdit || update.isPending} value={ticket.assignee_id ?? ''} allowNone="Unassigned"
                options={staff.map((m) => ({ value: m.user_id, label: m.full_name || m.email || m.user_id }))}
                onValueChange={(v) => change({ assignee_id: v || null })} />
              {canEdit && ticket.assignee_id !== user.id && (
                <Button size="sm" variant="outline" onClick={() => change({ assignee_id: user.id })}>Take</Button>
              )}
            </div>
          </Row>
          <Row label="Team" id="side-team">
            <Select id="side-team" aria-label="Team" disabled={!canEdit || update.isPending} value={ticket.team_id ?? ''} allowNone="No team"
              options={(reference.data?.teams ?? []).map((t) => ({ value: t.id, label: t.name }))} onValueChange={(v) => change({ team_id: v || null })} />
          </Row>
          <Row label="Category" id="side-category">
            <Select id="side-category" aria-label="Category" disabled={!canEdit || update.isPending} value={ticket.category ?? ''} allowNone="No category"
              options={(reference.data?.categories ?? []).map((c) => ({ value: c.name, label: c.name }))} onValueChange={(v) => change({ category: v || null })} />
          </Row>
        </CardContent>
      </Card>
      <Card>
        <CardHeader><CardTitle>SLA</CardTitle></CardHeader>
        <CardContent className="grid gap-2 text-sm">
          <div className="flex items-center justify-between">First response {first ? <Badge tone={first.tone}>{first.label}</Badge> : <span className="text-muted-foreground">No target</span>}</div>
          <div className="flex items-center justify-between">Resolution {resolution ? <Badge tone={resolution.tone}>{resolution.label}</Badge> : <span className="text-muted-foreground">No target</span>}</div>
        </CardContent>
      </Card>
      {ticket.asset && (
        <Card>
          <CardHeader><CardTitle>Asset</CardTitle></CardHeader>
          <CardContent className="text-sm"><span className="font-mono">{ticket.asset.tag}</span> · {ticket.asset.name} <Badge tone="outline">{ticket.asset.status.replace('_', ' ')}</Badge></CardContent>
        </Card>
      )}
    </div>
  );
}

function Row({ label, id, children }: { label: string; id: string; children: React.ReactNode }) {
  return <div className="grid gap-1"><Label htmlFor={id} className="text-xs text-muted-foreground">{label}</Label>{children}</div>;
}
