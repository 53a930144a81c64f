import { Navigate } from 'react-router-dom';
import { PageLoading } from './shell/PageLoading';
import { isStaff, useMe } from './role';

/** `/` sends staff to the desk and requesters to their tickets. */
export function Home() {
  const me = useMe();
  if (me.isPending) return <PageLoading />;
  return <Navigate to={me.data && isStaff(me.data.role) ? '/tickets' : '/my-tickets'} replace />;
}
