import { ShieldAlert } from 'lucide-react';
import { NavLink, Navigate, Route, Routes } from 'react-router-dom';
import { EmptyState, PageHeader, Skeleton, cn } from '@/ui';
import { useMe } from '../role';
import Audit from './Audit';
import Members from './Members';
import { Branches, CannedReplies, Teams } from './Reference';
import Sla from './Sla';
import Templates from './Templates';
import Vault from './Vault';

const SECTIONS = [
  { path: 'members', label: 'Members', element: <Members /> },
  { path: 'teams', label: 'Teams', element: <Teams /> },
  { path: 'branches', label: 'Branches', element: <Branches /> },
  { path: 'sla', label: 'SLA and hours', element: <Sla /> },
  { path: 'canned', label: 'Canned replies', element: <CannedReplies /> },
  { path: 'templates', label: 'Notifications', element: <Templates /> },
  { path: 'vault', label: 'Vault', element: <Vault /> },
  { path: 'audit', label: 'Audit history', element: <Audit /> },
];

/**
 * Administration, for admins only. The route refuses anyone else here; the database refuses them too
 * (the *_admin policies and the functions' role checks), so this is courtesy, not protection.
 */
export default function Admin() {
  const me = useMe();
  if (me.isLoading) return <Skeleton className="h-40" />;
  if (me.data?.role !== 'admin') {
    return (
      <div>
        <PageHeader title="Administrators only" />
        <EmptyState icon={ShieldAlert} title="You cannot open this page" description="This area is for helpdesk administrators. Ask one if you need something changed." />
      </div>
    );
  }
  return (
    <div>
      <PageHeader title="Administration" />
      <nav aria-label="Administration" className="-mx-1 mb-4 overflow-x-auto">
        <ul className="flex gap-1 px-1">
          {SECTIONS.map((s) => (
            <li key={s.path}>
              <NavLink to={`/admin/${s.path}`} className={({ isActive }) => cn('block whitespace-nowrap rounded-md px-3 py-1.5 text-sm font-medium',
                isActive ? 'bg-accent text-accent-foreground' : 'text-muted-foreground hover:bg-accent/60')}>{s.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Routes>
        <Route index element={<Navigate to="members" replace />} />
        {SECTIONS.map((s) => <Route key={s.path} path={s.path} element={s.element} />)}
        <Route path="*" element={<Navigate to="members" replace />} />
      </Routes>
    </div>
  );
}
