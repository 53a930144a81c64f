import { BookOpen, Database, FileCode, HardDrive, LogOut, ScrollText, Shield, Table2, Users, Activity } from 'lucide-react';
import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { AppShell, Button, Spinner, ThemeToggle, type NavItem } from '@/ui';
import { useSession } from './session';

const TablesPage = lazy(() => import('./tables/TablesPage'));
const SqlEditorPage = lazy(() => import('./sqleditor/SqlEditorPage'));
const AuthPage = lazy(() => import('./auth/AuthPage'));
const StoragePage = lazy(() => import('./storage/StoragePage'));
const PoliciesPage = lazy(() => import('./policies/PoliciesPage'));
const DatabasePage = lazy(() => import('./database/DatabasePage'));
const ApiDocsPage = lazy(() => import('./apidocs/ApiDocsPage'));
const LogsPage = lazy(() => import('./logs/LogsPage'));
const OperationsPage = lazy(() => import('./ops/OperationsPage'));

const NAV: NavItem[] = [
  { to: '/tables', label: 'Tables', icon: Table2 },
  { to: '/sql', label: 'SQL editor', icon: FileCode },
  { to: '/auth', label: 'Authentication', icon: Users },
  { to: '/storage', label: 'Storage', icon: HardDrive },
  { to: '/policies', label: 'Policies', icon: Shield },
  { to: '/database', label: 'Database', icon: Database },
  { to: '/api', label: 'API docs', icon: BookOpen },
  { to: '/logs', label: 'Logs', icon: ScrollText },
  { to: '/operations', label: 'Operations', icon: Activity },
];

export function App() {
  const { username, signOut } = useSession();
  const topBar = (
    <div className="ml-auto flex items-center gap-2">
      <span className="text-sm text-muted-foreground">{username}</span>
      <ThemeToggle />
      <Button variant="ghost" size="sm" onClick={() => void signOut()}><LogOut aria-hidden className="h-4 w-4" />Sign out</Button>
    </div>
  );
  return (
    <AppShell brand="Oricol Studio" nav={NAV} topBar={topBar}>
      <Suspense fallback={<div className="flex justify-center p-8"><Spinner /></div>}>
        <Routes>
          <Route path="/" element={<Navigate to="/tables" replace />} />
          <Route path="/tables/*" element={<TablesPage />} />
          <Route path="/sql" element={<SqlEditorPage />} />
          <Route path="/auth" element={<AuthPage />} />
          <Route path="/storage" element={<StoragePage />} />
          <Route path="/policies" element={<PoliciesPage />} />
          <Route path="/database" element={<DatabasePage />} />
          <Route path="/api" element={<ApiDocsPage />} />
          <Route path="/logs" element={<LogsPage />} />
          <Route path="/operations" element={<OperationsPage />} />
          <Route path="*" element={<Navigate to="/tables" replace />} />
        </Routes>
      </Suspense>
    </AppShell>
  );
}
