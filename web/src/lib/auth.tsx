import type { Session, User } from '@supabase/supabase-js';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { supabase } from './supabase';

interface AuthState { session: Session | null; user: User | null; loading: boolean }
const AuthContext = createContext<AuthState>({ session: null, user: null, loading: true });

/**
 * Holds the current session. supabase-js keeps it in localStorage across reloads and refreshes it
 * silently; this provider only mirrors its events into React (sign-in, refresh, sign-out, recovery).
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ session: null, user: null, loading: true });
  useEffect(() => {
    const client = supabase();
    let alive = true;
    client.auth.getSession().then(({ data }) => {
      if (alive) setState({ session: data.session, user: data.session?.user ?? null, loading: false });
    });
    const { data } = client.auth.onAuthStateChange((event, session) => {
      setState({ session, user: session?.user ?? null, loading: false });
      if (event === 'PASSWORD_RECOVERY') recoveryListeners.forEach((l) => l());
    });
    return () => { alive = false; data.subscription.unsubscribe(); };
  }, []);
  return <AuthContext.Provider value={state}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState { return useContext(AuthContext); }

/** The signed-in user; only inside routes that require a session. */
export function useUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('useUser() outside a signed-in route');
  return user;
}

export async function signOut(): Promise<void> {
  await supabase().auth.signOut();
}

const recoveryListeners = new Set<() => void>();
/** Called when a password-recovery link signs the person in (the app then shows "set new password"). */
export function onPasswordRecovery(listener: () => void): () => void {
  recoveryListeners.add(listener);
  return () => { recoveryListeners.delete(listener); };
}
