/** Seat arithmetic for licences: used = open assignments (released_at is null). */
export interface SeatAssignment { released_at: string | null }
export interface SeatSummary { total: number; used: number; free: number; over: number; percent: number; state: 'ok' | 'full' | 'over' }

export function seatSummary(total: number, assignments: SeatAssignment[]): SeatSummary {
  const used = assignments.filter((a) => a.released_at == null).length;
  const free = Math.max(0, total - used);
  const over = Math.max(0, used - total);
  const percent = total > 0 ? Math.min(100, Math.round((used / total) * 100)) : (used > 0 ? 100 : 0);
  const state = over > 0 ? 'over' : used === total && total > 0 ? 'full' : 'ok';
  return { total, used, free, over, percent, state };
}

/** Whether one more seat may be assigned without over-allocating (the UI warns, the person decides). */
export const wouldOverAllocate = (s: SeatSummary) => s.used + 1 > s.total;

/** A renewal within `days` (or already past) is due. */
export function renewalDue(renewsOn: string | null, days = 30, today = new Date()): 'overdue' | 'due' | null {
  if (!renewsOn) return null;
  const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const left = Math.round((Date.parse(`${renewsOn}T00:00:00Z`) - start) / 86_400_000);
  if (left < 0) return 'overdue';
  return left <= days ? 'due' : null;
}
