import '@/ui/theme.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Card, ThemeToggle } from '@/ui';

/** Placeholder: the Studio engineer replaces this with the admin console (same kit, src/ui). */
function Studio() {
  return (
    <div className="flex min-h-full items-center justify-center p-4">
      <div className="absolute right-3 top-3"><ThemeToggle /></div>
      <Card className="max-w-md p-6">
        <h1 className="text-xl font-semibold">Oricol Studio</h1>
        <p className="mt-2 text-sm text-muted-foreground">The admin console is being built.</p>
      </Card>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><Studio /></StrictMode>);
