import { describe, expect, it } from 'vitest';
import { compliance, periodStarts, pivot } from './queries';

describe('report helpers', () => {
  it('lists period starts like date_trunc: days, Monday weeks, months', () => {
    expect(periodStarts('2026-12-01', '2026-12-03', 'day')).toEqual(['2026-12-01', '2026-12-02', '2026-12-03']);
    expect(periodStarts('2026-12-03', '2026-12-14', 'week')).toEqual(['2026-11-30', '2026-12-07', '2026-12-14']);
    expect(periodStarts('2026-11-15', '2027-01-02', 'month')).toEqual(['2026-11-01', '2026-12-01', '2027-01-01']);
  });
  it('pivots the top keys, folds the rest into Other and fills empty periods', () => {
    const rows = [
      { period_start: '2026-12-01', key: 'a', label: 'A', created: 5, resolved: 0 },
      { period_start: '2026-12-01', key: 'b', label: 'B', created: 1, resolved: 0 },
      { period_start: '2026-12-03', key: 'c', label: 'C', created: 2, resolved: 1 },
    ];
    const { series, data } = pivot(rows, 'created', ['2026-12-01', '2026-12-02', '2026-12-03'], 2);
    expect(series).toEqual([{ key: 'a', label: 'A' }, { key: 'c', label: 'C' }, { key: '__other__', label: 'Other' }]);
    expect(data).toEqual([
      { period: '2026-12-01', a: 5, c: 0, __other__: 1 }, { period: '2026-12-02', a: 0, c: 0, __other__: 0 }, { period: '2026-12-03', a: 0, c: 2, __other__: 0 },
    ]);
  });
  it('computes compliance over decided tickets only', () => {
    expect(compliance(3, 1)).toBe(75);
    expect(compliance(0, 0)).toBeNull();
  });
});
