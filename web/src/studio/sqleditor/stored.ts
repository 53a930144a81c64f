import { useState } from 'react';

/** State kept in localStorage (history, snippets): survives reloads in this browser only. */
export function useStored<T>(key: string, initial: T): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() => {
    try { const text = localStorage.getItem(key); return text ? (JSON.parse(text) as T) : initial; } catch { return initial; }
  });
  return [value, (next: T) => { setValue(next); try { localStorage.setItem(key, JSON.stringify(next)); } catch { /* full or blocked */ } }];
}
