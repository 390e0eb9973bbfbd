import { act, render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// A fresh session per test (it starts out restoring, as on page load), so no test depends on another.
let session: typeof import('../../../lib/api/api.ts')['session'];
let guards: typeof import('./require-session.tsx');
beforeEach(async () => {
  vi.resetModules();
  ({ session } = await import('../../../lib/api/api.ts'));
  guards = await import('./require-session.tsx');
});

function renderAt(path: string) {
  const { GuestOnly, RequireSession } = guards;
  const router = createMemoryRouter(
    [
      { element: <GuestOnly />, children: [{ path: '/login', element: <h1>Sign in</h1> }] },
      {
        element: <RequireSession />,
        children: [
          { path: '/chats', element: <h1>Chats</h1> },
          { path: '/profile', element: <h1>Profile</h1> },
        ],
      },
    ],
    { initialEntries: [path] },
  );
  render(<RouterProvider router={router} />);
  return router;
}

const signIn = () => session.signIn({ accessToken: 'token', tokenType: 'Bearer', expiresIn: 900 });

describe('route guards', () => {
  it('waits for the silent refresh on load instead of flashing the sign-in page', () => {
    renderAt('/profile');
    expect(screen.getByRole('status').textContent).toBe('Signing you in');
    expect(screen.queryByRole('heading', { name: 'Sign in' })).toBeNull();
  });

  it('sends a signed-out user to sign in, and back to the page they asked for afterwards', async () => {
    act(() => session.end());
    const router = renderAt('/profile?tab=photo');
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeDefined();
    expect(router.state.location.pathname).toBe('/login');

    act(signIn);

    expect(await screen.findByRole('heading', { name: 'Profile' })).toBeDefined();
    expect(`${router.state.location.pathname}${router.state.location.search}`).toBe('/profile?tab=photo');
  });

  it('takes a signed-in user from the sign-in page to the chats', async () => {
    act(signIn);
    const router = renderAt('/login');
    expect(await screen.findByRole('heading', { name: 'Chats' })).toBeDefined();
    expect(router.state.location.pathname).toBe('/chats');
  });
});
