import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AuthProvider, useAuth } from '@/lib/auth';
import { makeQueryClient } from '@/lib/query';
import { Toaster, TooltipProvider } from '@/ui';
import { PageLoading } from './shell/PageLoading';
import { Shell } from './shell/Shell';
import { Home } from './Home';
import { itopsRoutes } from './itopsRoutes';

// Every screen is its own chunk: the first load carries only the shell and the screen asked for.
const SignIn = lazy(() => import('./auth/SignIn'));
const SignUp = lazy(() => import('./auth/SignUp'));
const ForgotPassword = lazy(() => import('./auth/ForgotPassword'));
const ResetPassword = lazy(() => import('./auth/ResetPassword'));
const NotFound = lazy(() => import('./NotFound'));
const TicketList = lazy(() => import('./tickets/TicketList'));
const MyTickets = lazy(() => import('./tickets/TicketList').then((m) => ({ default: m.MyTickets })));
const TicketPage = lazy(() => import('./tickets/TicketPage'));
const NewTicket = lazy(() => import('./tickets/NewTicket'));
const Dashboard = lazy(() => import('./dashboard/Dashboard'));
const Account = lazy(() => import('./account/Account'));
const Documents = lazy(() => import('./documents/Documents'));
const Chat = lazy(() => import('./chat/Chat'));
const Admin = lazy(() => import('./admin/Admin'));
const Reports = lazy(() => import('./reports/Reports'));

export function App() {
  const [client] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={client}>
      <AuthProvider>
        <TooltipProvider>
          <BrowserRouter>
            <Suspense fallback={<PageLoading />}>
              <Routes>
                <Route path="/sign-in" element={<SignIn />} />
                <Route path="/sign-up" element={<SignUp />} />
                <Route path="/forgot-password" element={<ForgotPassword />} />
                <Route path="/reset-password" element={<ResetPassword />} />
                <Route element={<RequireSession><Shell /></RequireSession>}>
                  <Route index element={<Home />} />
                  {routes()}
                  <Route path="*" element={<NotFound />} />
                </Route>
              </Routes>
            </Suspense>
          </BrowserRouter>
          <Toaster />
        </TooltipProvider>
      </AuthProvider>
    </QueryClientProvider>
  );
}

/** The signed-in screens (extended as the desk grows; see docs/web.md "adding a screen"). */
function routes(): ReactNode {
  return [
    <Route key="tickets" path="/tickets" element={<TicketList />} />,
    <Route key="ticket" path="/tickets/:id" element={<TicketPage />} />,
    <Route key="mine" path="/my-tickets" element={<MyTickets />} />,
    <Route key="my-ticket" path="/my-tickets/:id" element={<TicketPage />} />,
    <Route key="new" path="/new" element={<NewTicket />} />,
    <Route key="dashboard" path="/dashboard" element={<Dashboard />} />,
    <Route key="account" path="/account" element={<Account />} />,
    ...itopsRoutes(),
    <Route key="documents" path="/documents" element={<Documents />} />,
    <Route key="chat" path="/chat" element={<Chat />} />,
    <Route key="admin" path="/admin/*" element={<Admin />} />,
    <Route key="reports" path="/reports" element={<Reports />} />,
  ];
}

function RequireSession({ children }: { children: ReactNode }) {
  const { session, loading } = useAuth();
  const location = useLocation();
  if (loading) return <PageLoading />;
  if (!session) {
    const next = location.pathname + location.search;
    return <Navigate to={`/sign-in${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  return <>{children}</>;
}
