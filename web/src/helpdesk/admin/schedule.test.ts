import { describe, expect, it } from 'vitest';
import { formatDay, parseDay } from './schedule';

describe('business hours text', () => {
  it('parses ranges, sorted, and formats them back', () => {
    const ranges = parseDay(' 13:00-17:00 , 09:00-12:00');
    expect(ranges).toEqual([['09:00', '12:00'], ['13:00', '17:00']]);
    expect(formatDay(ranges)).toBe('09:00-12:00, 13:00-17:00');
  });
  it('reads empty as closed', () => { expect(parseDay('  ')).toEqual([]); });
  it('refuses bad times, backwards and overlapping ranges', () => {
    expect(() => parseDay('9-17')).toThrow(/not like/);
    expect(() => parseDay('25:00-26:00')).toThrow(/not like/);
    expect(() => parseDay('17:00-09:00')).toThrow(/ends before/);
    expect(() => parseDay('09:00-12:00, 11:00-13:00')).toThrow(/overlap/);
  });
});
