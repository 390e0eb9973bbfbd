import { Navigate, Outlet, useLocation } from 'react-router';
import { Spinner } from '../../../design/spinner.tsx';
import { useSessionState } from '../hooks/use-session-state.ts';

/** Pages for signed-in users: others go to /login, which brings them back here afterwards. */
export function RequireSession() {
  const state = useSessionState();
  const location = useLocation();
  if (state.status === 'restoring') return <Spinner label="Signing you in" />;
  if (state.status === 'signed-out') return <Navigate to="/login" replace state={{ from: location }} />;
  return <Outlet />;
}

/** Pages for signed-out users (sign in, sign up): a signed-in user goes on to where they were going. */
export function GuestOnly() {
  const state = useSessionState();
  const from: unknown = useLocation().state;
  if (state.status === 'restoring') return <Spinner label="Loading" />;
  if (state.status === 'signed-in') return <Navigate to={returnPath(from)} replace />;
  return <Outlet />;
}

function returnPath(state: unknown): string {
  if (typeof state !== 'object' || state === null || !('from' in state)) return '/chats';
  const from = state.from as { pathname?: unknown; search?: unknown };
  return typeof from.pathname === 'string' ? `${from.pathname}${String(from.search ?? '')}` : '/chats';
}
