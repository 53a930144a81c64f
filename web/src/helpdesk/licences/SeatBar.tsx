import { Badge, cn } from '@/ui';
import { renewalDue, seatSummary, type SeatAssignment } from './seats';

/** Seats used / total as a bar, amber when full and red when over-allocated. */
export function SeatBar({ seats, assignments }: { seats: number; assignments: SeatAssignment[] }) {
  const s = seatSummary(seats, assignments);
  const colour = s.state === 'over' ? 'bg-destructive' : s.state === 'full' ? 'bg-amber-500' : 'bg-primary';
  return (
    <div className="grid gap-1">
      <div role="meter" aria-label="Seats used" aria-valuemin={0} aria-valuemax={s.total} aria-valuenow={s.used}
        aria-valuetext={`${s.used} of ${s.total} seats used`} className="h-2 w-full overflow-hidden rounded-full bg-muted">
        <div className={cn('h-full', colour)} style={{ width: `${s.percent}%` }} />
      </div>
      <p className="text-xs text-muted-foreground">
        {s.used} / {s.total} seats used
        {s.over > 0 && <span className="ml-2 font-medium text-destructive">Over-allocated by {s.over}</span>}
      </p>
    </div>
  );
}

export function RenewalBadge({ renewsOn }: { renewsOn: string | null }) {
  const due = renewalDue(renewsOn);
  if (due === 'overdue') return <Badge tone="red">Renewal overdue ({renewsOn})</Badge>;
  if (due === 'due') return <Badge tone="amber">Renews {renewsOn}</Badge>;
  return renewsOn ? <span className="text-xs text-muted-foreground">Renews {renewsOn}</span> : null;
}
