/** PostgREST query strings for the grid: filters, sort and page as the REST API reads them. */
export interface Filter { column: string; op: string; value: string }

export const OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'is'].map((o) => ({ value: o, label: o }));

export function filterParam(filter: Filter): [string, string] {
  const value = filter.op === 'like' || filter.op === 'ilike' ? filter.value.replace(/%/g, '*') : filter.value;
  return [filter.column, `${filter.op}.${value}`];
}

export function rowsQuery(filters: Filter[], sort: { column: string; ascending: boolean } | undefined, page: number, size: number): string {
  const params = new URLSearchParams({ select: '*' });
  for (const f of filters) params.append(...filterParam(f));
  if (sort) params.set('order', `${sort.column}.${sort.ascending ? 'asc' : 'desc'}.nullslast`);
  params.set('limit', String(size));
  params.set('offset', String(page * size));
  return params.toString();
}

/** A filter that picks exactly one row by its primary key. */
export function keyFilter(keys: string[], row: Record<string, unknown>): string {
  return keys.map((k) => `${encodeURIComponent(k)}=eq.${encodeURIComponent(String(row[k]))}`).join('&');
}

export function parseFilter(text: string | null): Filter[] {
  if (!text) return [];
  const [column, op, ...rest] = text.split('.');
  return column && op ? [{ column, op, value: rest.join('.') }] : [];
}

/** What a typed cell value becomes in JSON: empty is null, json columns are parsed, the rest is text. */
export function typedValue(text: string, format: string): unknown {
  if (text === '') return null;
  if (format === 'json' || format === 'jsonb') { try { return JSON.parse(text); } catch { return text; } }
  if (format === 'bool') return text === 'true' || text === 't';
  return text;
}

export function shown(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
