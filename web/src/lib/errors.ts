/**
 * Turns whatever the API or the network threw into one sentence a person can act on. supabase-js gives
 * PostgrestError ({message, code, details, hint}), AuthError ({message, status, code}), StorageError
 * ({message, statusCode}) or a TypeError from fetch when the server cannot be reached.
 */
const FRIENDLY: Record<string, string> = {
  // PostgreSQL / PostgREST codes
  '42501': 'You do not have permission to do that.',
  '23505': 'That already exists.',
  '23503': 'That refers to something that no longer exists.',
  '23514': 'One of the values is not allowed.',
  '22P02': 'One of the values has the wrong format.',
  PGRST116: 'Not found, or you do not have access to it.',
  PGRST301: 'Your session has expired; sign in again.',
  // GoTrue codes
  invalid_credentials: 'The email or password is wrong.',
  email_not_confirmed: 'Confirm your email address first: follow the link we sent you.',
  user_already_exists: 'An account with this email already exists.',
  weak_password: 'Choose a stronger password.',
  over_request_rate_limit: 'Too many attempts; wait a moment and try again.',
  over_email_send_rate_limit: 'Too many emails sent; wait a moment and try again.',
  mfa_verification_failed: 'That code is not right; check your authenticator app and try again.',
  session_not_found: 'Your session has ended; sign in again.',
};

export function describeError(error: unknown): string {
  if (error == null) return 'Unknown error.';
  if (typeof error === 'string') return sentence(error);
  if (error instanceof TypeError && /fetch|network|load failed/i.test(error.message)) {
    return 'The server cannot be reached. Check your connection and try again.';
  }
  const e = error as { message?: unknown; code?: unknown; status?: unknown; statusCode?: unknown; details?: unknown; hint?: unknown; name?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && FRIENDLY[code]) return FRIENDLY[code];
  if (e.name === 'AuthRetryableFetchError' || e.name === 'FetchError') {
    return 'The server cannot be reached. Check your connection and try again.';
  }
  const status = Number(e.status ?? e.statusCode);
  const message = typeof e.message === 'string' && e.message.trim() ? e.message.trim() : undefined;
  if (status === 401 && !message) return 'Your session has expired; sign in again.';
  if (status === 403 && !message) return 'You do not have permission to do that.';
  if (status === 413) return 'That file is too large.';
  if (status === 429) return 'Too many requests; wait a moment and try again.';
  if (status >= 500 && !message) return 'The server had a problem; try again shortly.';
  if (message) {
    const detail = typeof e.details === 'string' && e.details && !message.includes(e.details) ? ` ${e.details}` : '';
    return sentence(message + detail);
  }
  return 'Something went wrong; try again.';
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
