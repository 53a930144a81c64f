import * as DialogPrimitive from '@radix-ui/react-dialog';
import { Menu, X, type LucideIcon } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { NavLink } from 'react-router-dom';
import { Button } from './Button';
import { cn } from './cn';

export interface NavItem { to: string; label: string; icon: LucideIcon; end?: boolean }

function NavList({ items, onNavigate }: { items: NavItem[]; onNavigate?: () => void }) {
  return (
    <ul className="grid gap-0.5">
      {items.map(({ to, label, icon: Icon, end }) => (
        <li key={to}>
          <NavLink to={to} end={end} onClick={onNavigate}
            className={({ isActive }) => cn('flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium',
              isActive ? 'bg-accent text-accent-foreground' : 'text-muted-foreground hover:bg-accent/60 hover:text-foreground')}>
            <Icon aria-hidden className="h-4 w-4" />{label}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

/**
 * The frame of an app: a sidebar (a drawer under 768 px, opened from the top bar), a top bar with the
 * caller's controls, and the routed page. `brand` is the product name at the top of the navigation.
 */
export function AppShell({ brand, nav, topBar, children }: {
  brand: ReactNode; nav: NavItem[]; topBar?: ReactNode; children: ReactNode;
}) {
  const [drawer, setDrawer] = useState(false);
  return (
    <div className="flex min-h-full">
      <aside className="sticky top-0 hidden h-screen w-56 shrink-0 flex-col gap-4 overflow-y-auto border-r border-border bg-card p-3 md:flex">
        <div className="px-2 pt-1 text-base font-semibold">{brand}</div>
        <nav aria-label="Main"><NavList items={nav} /></nav>
      </aside>
      <DialogPrimitive.Root open={drawer} onOpenChange={setDrawer}>
        <DialogPrimitive.Portal>
          <DialogPrimitive.Overlay className="fixed inset-0 z-40 bg-black/50 md:hidden" />
          <DialogPrimitive.Content className="fixed inset-y-0 left-0 z-50 flex w-64 flex-col gap-4 bg-card p-3 shadow-lg md:hidden">
            <div className="flex items-center justify-between px-2">
              <DialogPrimitive.Title className="text-base font-semibold">{brand}</DialogPrimitive.Title>
              <DialogPrimitive.Description className="sr-only">Navigation</DialogPrimitive.Description>
              <DialogPrimitive.Close asChild>
                <Button variant="ghost" size="icon" aria-label="Close navigation"><X aria-hidden className="h-4 w-4" /></Button>
              </DialogPrimitive.Close>
            </div>
            <nav aria-label="Main"><NavList items={nav} onNavigate={() => setDrawer(false)} /></nav>
          </DialogPrimitive.Content>
        </DialogPrimitive.Portal>
      </DialogPrimitive.Root>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-30 flex h-14 shrink-0 items-center gap-2 border-b border-border bg-card px-3">
          <Button variant="ghost" size="icon" className="md:hidden" aria-label="Open navigation" onClick={() => setDrawer(true)}>
            <Menu aria-hidden className="h-5 w-5" />
          </Button>
          {topBar}
        </header>
        <main className="flex-1 p-3 md:p-6">{children}</main>
      </div>
    </div>
  );
}

/** A page's title row with optional actions on the right. */
export function PageHeader({ title, actions, children }: { title: string; actions?: ReactNode; children?: ReactNode }) {
  return (
    <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
      <div><h1 className="text-xl font-semibold">{title}</h1>{children}</div>
      {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
    </div>
  );
}
