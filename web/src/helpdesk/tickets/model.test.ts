import { describe, expect, it } from 'vitest';
import { EMPTY_FILTERS, filterOps, filtersFromParams, paramsFromFilters, slaCountdown } from './model';

const ME = '00000000-0000-0000-0000-00000000000a';
const NOW = new Date('2026-12-03T12:00:00Z');

describe('filterOps', () => {
  it('turns each saved view into its query', () => {
    expect(filterOps({ ...EMPTY_FILTERS, view: 'mine' }, ME, NOW)).toEqual([
      ['eq', 'assignee_id', ME], ['in', 'status', ['new', 'open', 'pending', 'on_hold']]]);
    expect(filterOps({ ...EMPTY_FILTERS, view: 'unassigned' }, ME, NOW)[0]).toEqual(['is', 'assignee_id', null]);
    expect(filterOps({ ...EMPTY_FILTERS, view: 'recent' }, ME, NOW)).toEqual([]);
    expect(filterOps({ ...EMPTY_FILTERS, view: 'breaching' }, ME, NOW)[1]).toEqual(
      ['or', 'first_response_breached.is.true,resolution_breached.is.true,resolution_due_at.lt."2026-12-03T13:00:00.000Z"']);
  });
  it('adds every filter, with inclusive date ranges', () => {
    const ops = filterOps({
      ...EMPTY_FILTERS, view: 'recent', status: ['open', 'pending'], priority: ['urgent'], assignee: 'none',
      team: 't1', category: 'Hardware', createdFrom: '2026-11-01', createdTo: '2026-11-30', updatedTo: '2026-12-31',
    }, ME, NOW);
    expect(ops).toEqual([
      ['in', 'status', ['open', 'pending']], ['in', 'priority', ['urgent']], ['is', 'assignee_id', null],
      ['eq', 'team_id', 't1'], ['eq', 'category', 'Hardware'], ['gte', 'created_at', '2026-11-01'],
      ['lt', 'created_at', '2026-12-01'], ['lt', 'updated_at', '2027-01-01']]);
  });
  it('searches by ticket number exactly and by words in full text', () => {
    expect(filterOps({ ...EMPTY_FILTERS, view: 'recent', q: ' hd-1042 ' }, ME, NOW)).toEqual([['eq', 'number', 'HD-1042']]);
    expect(filterOps({ ...EMPTY_FILTERS, view: 'recent', q: 'printer jam' }, ME, NOW)).toEqual(
      [['textSearch', 'search', 'printer jam', { type: 'websearch', config: 'english' }]]);
    expect(filterOps({ ...EMPTY_FILTERS, view: 'recent', assignee: 'me' }, ME, NOW)).toEqual([['eq', 'assignee_id', ME]]);
  });
  it('round-trips through the URL and ignores unknown values', () => {
    const f = { ...EMPTY_FILTERS, view: 'mine' as const, status: ['open' as const], q: 'vpn' };
    expect(filtersFromParams(paramsFromFilters(f), 'open')).toEqual(f);
    expect(filtersFromParams(new URLSearchParams('view=bogus&status=open,nope'), 'open')).toEqual({ ...EMPTY_FILTERS, status: ['open'] });
  });
});

describe('slaCountdown', () => {
  it('counts down, warns in the last hour and shows overdue', () => {
    expect(slaCountdown('2026-12-03T15:30:00Z', null, null, NOW)).toEqual({ label: '3h 30m left', tone: 'green', overdue: false });
    expect(slaCountdown('2026-12-03T12:45:00Z', null, null, NOW)).toEqual({ label: '45m left', tone: 'amber', overdue: false });
    expect(slaCountdown('2026-12-01T10:00:00Z', null, null, NOW)).toEqual({ label: '2d 2h overdue', tone: 'red', overdue: true });
  });
  it('freezes while paused and reports met or missed once done', () => {
    expect(slaCountdown('2026-12-03T14:00:00Z', null, '2026-12-03T11:00:00Z', NOW)?.label).toBe('Paused, 3h 0m left');
    expect(slaCountdown('2026-12-03T14:00:00Z', '2026-12-03T13:00:00Z', null, NOW)?.label).toBe('Met');
    expect(slaCountdown('2026-12-03T14:00:00Z', '2026-12-03T15:00:00Z', null, NOW)).toEqual({ label: 'Missed', tone: 'red', overdue: true });
    expect(slaCountdown(null, null, null, NOW)).toBeNull();
  });
});
