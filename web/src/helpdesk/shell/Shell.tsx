import { LifeBuoy } from 'lucide-react';
import { Suspense } from 'react';
import { Outlet } from 'react-router-dom';
import { AppShell, ThemeToggle } from '@/ui';
import { isStaff, useMe } from '../role';
import { Notifications } from './Notifications';
import { SearchBox } from './SearchBox';
import { useShortcuts } from './shortcuts';
import { navFor } from './nav';
import { PageLoading } from './PageLoading';
import { UserMenu } from './UserMenu';

/** The signed-in frame: navigation by role, the top bar's controls, and the routed screen. */
export function Shell() {
  const me = useMe();
  const role = me.data?.role ?? 'requester';
  useShortcuts();
  return (
    <AppShell
      brand={<span className="flex items-center gap-2"><LifeBuoy aria-hidden className="h-5 w-5 text-primary" />Oricol Helpdesk</span>}
      nav={navFor(role)}
      topBar={<>
        <SearchBox staff={isStaff(role)} />
        <div className="flex-1" />
        <Notifications staff={isStaff(role)} />
        <ThemeToggle />
        <UserMenu me={me.data} />
      </>}>
      <Suspense fallback={<PageLoading />}><Outlet /></Suspense>
    </AppShell>
  );
}
