import { describe, expect, it } from 'vitest';
import { parseCsvRecords } from '@/lib/csv';
import { daysUntil, isIsoDate, validateImport, type Lookup } from './model';

const lookup: Lookup = {
  branches: new Map([['hq', 'b1'], ['head office', 'b1']]),
  members: new Map([['ann@example.com', 'u1']]),
  existingTags: new Set(['old-1']),
};

describe('validateImport', () => {
  it('accepts good rows, reports each bad row with its line and reasons', () => {
    const { records } = parseCsvRecords([
      'tag,name,status,branch,assigned_to,purchase_cost,warranty_expires_on,colour',
      'LT-1,Laptop,deployed,HQ,ann@example.com,"1,200.50",2027-02-28,grey',
      'LT-2,,broken,Nowhere,bob@example.com,abc,2027-02-30,',
      'old-1,Printer,,,,,,',
      'LT-1,Again,In Stock,,,,,',
    ].join('\n'));
    const rows = validateImport(records, lookup);
    expect(rows[0].errors).toEqual([]);
    expect(rows[0].values).toMatchObject({ tag: 'LT-1', status: 'deployed', branch_id: 'b1', assigned_to: 'u1', purchase_cost: 1200.5, custom: { colour: 'grey' } });
    expect(rows[1].line).toBe(3);
    expect(rows[1].values).toBeNull();
    expect(rows[1].errors).toEqual([
      'name is required', 'status "broken" is not one of in_stock, deployed, in_repair, retired, lost',
      'warranty_expires_on "2027-02-30" is not a date (YYYY-MM-DD)', 'purchase_cost "abc" is not an amount',
      'branch "Nowhere" is unknown', 'assigned_to "bob@example.com" is not a member\'s email',
    ]);
    expect(rows[2].errors).toEqual(['tag old-1 already exists']);
    expect(rows[3].errors).toEqual(['tag LT-1 appears twice in the file']);
  });
  it('defaults an empty status to in stock', () => {
    const rows = validateImport([{ tag: 'A', name: 'B', status: '' }], lookup);
    expect(rows[0].values?.status).toBe('in_stock');
  });
});

describe('dates', () => {
  it('checks real calendar dates and counts days', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(daysUntil('2026-01-11', new Date('2026-01-01T15:00:00Z'))).toBe(10);
    expect(daysUntil(null)).toBeNull();
  });
});
