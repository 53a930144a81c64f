import { describe, expect, it } from 'vitest';
import { renewalDue, seatSummary, wouldOverAllocate } from './seats';

const open = { released_at: null };
const gone = { released_at: '2026-01-01T00:00:00Z' };

describe('seatSummary', () => {
  it('counts only open assignments', () => {
    expect(seatSummary(5, [open, gone, open])).toEqual({ total: 5, used: 2, free: 3, over: 0, percent: 40, state: 'ok' });
  });
  it('is full at the total and over beyond it', () => {
    expect(seatSummary(2, [open, open]).state).toBe('full');
    const s = seatSummary(2, [open, open, open]);
    expect(s).toMatchObject({ used: 3, free: 0, over: 1, percent: 100, state: 'over' });
    expect(wouldOverAllocate(seatSummary(2, [open]))).toBe(false);
    expect(wouldOverAllocate(seatSummary(2, [open, open]))).toBe(true);
  });
  it('handles zero seats', () => {
    expect(seatSummary(0, []).percent).toBe(0);
    expect(seatSummary(0, [open]).state).toBe('over');
  });
});

describe('renewalDue', () => {
  const today = new Date('2026-03-01T12:00:00Z');
  it('flags past and near renewals', () => {
    expect(renewalDue('2026-02-27', 30, today)).toBe('overdue');
    expect(renewalDue('2026-03-20', 30, today)).toBe('due');
    expect(renewalDue('2026-06-01', 30, today)).toBeNull();
    expect(renewalDue(null, 30, today)).toBeNull();
  });
});
