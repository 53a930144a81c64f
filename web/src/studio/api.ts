/**
 * The console's one way to the server: same-origin fetches to /studio/api/... that carry the session
 * cookie (HttpOnly, never readable here) and, on every write, the session's CSRF token. The gateway maps
 * /studio/api/{pg,rest/v1,auth/v1,storage/v1} to the real services as service_role; the key itself never
 * reaches this code.
 */
export class ApiError extends Error {
  status: number;
  body: Record<string, unknown>;
  constructor(status: number, body: Record<string, unknown>, fallback: string) {
    super(messageOf(body) ?? fallback);
    this.status = status;
    this.body = body;
  }
}

function messageOf(body: Record<string, unknown>): string | undefined {
  for (const key of ['message', 'msg', 'error_description', 'error']) {
    const value = body[key];
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}

let csrf: string | null = null;
let onSignedOut: () => void = () => {};

export function setCsrf(token: string | null) { csrf = token; }
export function whenSignedOut(callback: () => void) { onSignedOut = callback; }
export function csrfHeader(): Record<string, string> { return csrf ? { 'x-csrf-token': csrf } : {}; }

export interface Call {
  method?: string;
  body?: unknown;            // sent as JSON unless it is a Blob/FormData/string
  headers?: Record<string, string>;
  raw?: boolean;             // answer the Response itself
}

export async function api<T = unknown>(path: string, call: Call = {}): Promise<T> {
  const response = await send(path, call);
  if (call.raw) return response as unknown as T;
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function send(path: string, { method = 'GET', body, headers = {} }: Call = {}): Promise<Response> {
  const write = method !== 'GET' && method !== 'HEAD';
  const json = body !== undefined && !(body instanceof Blob) && !(body instanceof FormData) && typeof body !== 'string';
  const response = await fetch(`/studio/api${path}`, {
    method,
    credentials: 'same-origin',
    headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...(write ? csrfHeader() : {}), ...headers },
    body: json ? JSON.stringify(body) : (body as BodyInit | undefined),
  });
  if (!response.ok) {
    let parsed: Record<string, unknown> = {};
    try { parsed = await response.json(); } catch { /* not JSON */ }
    if (response.status === 401 && path !== '/login') onSignedOut();
    throw new ApiError(response.status, parsed, `The server answered ${response.status}`);
  }
  return response;
}

/** One SQL script through postgres-meta's /query: the rows of its last statement with rows. */
export function runSql<T = Record<string, unknown>>(query: string): Promise<T[]> {
  return api<T[]>('/pg/query', { method: 'POST', body: { query } });
}

export interface Page<T> { rows: T[]; total: number | null }

/** A PostgREST read with an exact count (Content-Range), for grids that page through big tables. */
export async function restPage<T = Record<string, unknown>>(schema: string, table: string, query: string): Promise<Page<T>> {
  const response = await send(`/rest/v1/${encodeURIComponent(table)}?${query}`, {
    headers: { prefer: 'count=exact', 'accept-profile': schema },
  });
  const range = response.headers.get('content-range') ?? '';
  const total = range.includes('/') ? Number(range.split('/')[1]) : NaN;
  return { rows: await response.json(), total: Number.isFinite(total) ? total : null };
}

export function rest<T = unknown>(schema: string, path: string, call: Call = {}): Promise<T> {
  const profile = call.method && call.method !== 'GET' ? 'content-profile' : 'accept-profile';
  return api<T>(`/rest/v1/${path}`, { ...call, headers: { [profile]: schema, ...(call.headers ?? {}) } });
}
