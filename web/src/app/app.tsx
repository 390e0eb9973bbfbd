import { RouterProvider } from 'react-router';
import { loadSession } from '../features/auth/api/load-session.ts';
import { Providers } from './providers.tsx';
import { router } from './router.tsx';

// Before the first page decides anything: a returning user's refresh cookie signs them in silently.
void loadSession();

/** The whole app: every route on the data router, with the signed-in shell and its providers. */
export function App() {
  return (
    <Providers>
      <RouterProvider router={router} />
    </Providers>
  );
}
