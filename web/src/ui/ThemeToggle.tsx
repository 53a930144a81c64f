import { Moon, Sun } from 'lucide-react';
import { useState } from 'react';
import { Button } from './Button';

const KEY = 'oricol-theme';
type Theme = 'light' | 'dark';

export function currentTheme(): Theme {
  return document.documentElement.classList.contains('dark') ? 'dark' : 'light';
}

/** Switches light/dark and remembers the choice (index.html applies it before first paint). */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(currentTheme);
  function toggle() {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    document.documentElement.classList.toggle('dark', next === 'dark');
    try { localStorage.setItem(KEY, next); } catch { /* private mode: not remembered */ }
    setTheme(next);
  }
  const label = theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme';
  return (
    <Button variant="ghost" size="icon" aria-label={label} title={label} onClick={toggle}>
      {theme === 'dark' ? <Sun aria-hidden className="h-4 w-4" /> : <Moon aria-hidden className="h-4 w-4" />}
    </Button>
  );
}
