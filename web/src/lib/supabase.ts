import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { config } from './config';

let client: SupabaseClient | null = null;

/**
 * The one supabase-js client of the page. The session lives in localStorage (kept across reloads) and
 * supabase-js refreshes it before it expires. Every read and write goes through it, so RLS decides.
 */
export function supabase(): SupabaseClient {
  if (!client) {
    const { url, anonKey } = config();
    client = createClient(url, anonKey, {
      auth: { persistSession: true, autoRefreshToken: true, detectSessionInUrl: true, storageKey: 'oricol-auth' },
    });
  }
  return client;
}

/** The helpdesk's schema, as `supabase().schema('helpdesk')`. */
export const helpdesk = () => supabase().schema('helpdesk');
