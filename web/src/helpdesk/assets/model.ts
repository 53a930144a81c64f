/** Assets: the fields, their labels, and turning CSV rows into rows to insert (with per-row errors). */
export const ASSET_STATUSES = ['in_stock', 'deployed', 'in_repair', 'retired', 'lost'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];
export const STATUS_LABEL: Record<AssetStatus, string> = {
  in_stock: 'In stock', deployed: 'Deployed', in_repair: 'In repair', retired: 'Retired', lost: 'Lost',
};
export const STATUS_TONE = { in_stock: 'blue', deployed: 'green', in_repair: 'amber', retired: 'neutral', lost: 'red' } as const;

export interface Asset {
  id: string; tag: string; name: string; type: string | null; manufacturer: string | null; model: string | null;
  serial: string | null; status: AssetStatus; assigned_to: string | null; branch_id: string | null;
  purchase_date: string | null; purchase_cost: number | null; warranty_expires_on: string | null;
  notes: string | null; custom: Record<string, string>; created_at: string; updated_at: string;
}
export type AssetInsert = Omit<Asset, 'id' | 'created_at' | 'updated_at'>;

/** The CSV columns we know; any other column becomes a custom field. */
export const CSV_COLUMNS = ['tag', 'name', 'type', 'manufacturer', 'model', 'serial', 'status', 'branch',
  'assigned_to', 'purchase_date', 'purchase_cost', 'warranty_expires_on', 'notes'] as const;

export interface Lookup {
  /** branch name or code (lower-case) → id */
  branches: Map<string, string>;
  /** member email (lower-case) → user id */
  members: Map<string, string>;
  /** tags already in the inventory (lower-case) */
  existingTags: Set<string>;
}
export interface ImportRow { line: number; values: AssetInsert | null; errors: string[]; source: Record<string, string> }

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export function isIsoDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function statusOf(raw: string): AssetStatus | null {
  const key = raw.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if (key === '') return 'in_stock';
  return (ASSET_STATUSES as readonly string[]).includes(key) ? key as AssetStatus : null;
}

/** Validates one CSV record; `line` is its line in the file (the header is line 1). */
export function validateRecord(record: Record<string, string>, line: number, lookup: Lookup, seenTags: Set<string>): ImportRow {
  const errors: string[] = [];
  const get = (k: string) => (record[k] ?? '').trim();
  const tag = get('tag');
  const name = get('name');
  if (!tag) errors.push('tag is required');
  else if (seenTags.has(tag.toLowerCase())) errors.push(`tag ${tag} appears twice in the file`);
  else if (lookup.existingTags.has(tag.toLowerCase())) errors.push(`tag ${tag} already exists`);
  if (tag) seenTags.add(tag.toLowerCase());
  if (!name) errors.push('name is required');
  const status = statusOf(get('status'));
  if (!status) errors.push(`status "${get('status')}" is not one of ${ASSET_STATUSES.join(', ')}`);
  const dates: Record<string, string | null> = {};
  for (const k of ['purchase_date', 'warranty_expires_on']) {
    const v = get(k);
    if (v && !isIsoDate(v)) errors.push(`${k} "${v}" is not a date (YYYY-MM-DD)`);
    dates[k] = v || null;
  }
  const costText = get('purchase_cost').replace(/[\s,]/g, '');
  const cost = costText === '' ? null : Number(costText);
  if (cost !== null && (!Number.isFinite(cost) || cost < 0)) errors.push(`purchase_cost "${get('purchase_cost')}" is not an amount`);
  const branch = get('branch');
  const branchId = branch ? lookup.branches.get(branch.toLowerCase()) ?? null : null;
  if (branch && !branchId) errors.push(`branch "${branch}" is unknown`);
  const person = get('assigned_to');
  const memberId = person ? lookup.members.get(person.toLowerCase()) ?? null : null;
  if (person && !memberId) errors.push(`assigned_to "${person}" is not a member's email`);
  const custom: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) {
    if (!(CSV_COLUMNS as readonly string[]).includes(k) && k && v) custom[k] = v;
  }
  const values: AssetInsert | null = errors.length ? null : {
    tag, name, type: get('type') || null, manufacturer: get('manufacturer') || null, model: get('model') || null,
    serial: get('serial') || null, status: status!, assigned_to: memberId, branch_id: branchId,
    purchase_date: dates.purchase_date, purchase_cost: cost, warranty_expires_on: dates.warranty_expires_on,
    notes: get('notes') || null, custom,
  };
  return { line, values, errors, source: record };
}

/** Every record validated; tags are checked against each other and the inventory. */
export function validateImport(records: Record<string, string>[], lookup: Lookup): ImportRow[] {
  const seen = new Set<string>();
  return records.map((r, i) => validateRecord(r, i + 2, lookup, seen));
}

/** Days from `today` until a date (negative when past); null without a date. */
export function daysUntil(date: string | null, today = new Date()): number | null {
  if (!date) return null;
  const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Math.round((Date.parse(`${date}T00:00:00Z`) - start) / 86_400_000);
}
