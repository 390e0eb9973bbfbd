import type { UserProfile } from '@relay/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, Outlet, RouterProvider } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppHeader } from '../../../app/app-header.tsx';
import { ToastProvider } from '../../../design/toast.tsx';
import { session } from '../../../lib/api/api.ts';
import { ProfilePage } from './profile-page.tsx';

const saved: UserProfile = {
  id: '0b9a2b44-6a3f-4c52-9d0e-6f1d1c3e8a11',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  bio: '',
  photo: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};

/** The gateway's /api/users/me: answers GET with the profile and PATCH with the body merged in. */
function fakeGateway() {
  let profile = saved;
  return vi.fn(async (_url: string, init?: RequestInit) => {
    if (init?.method === 'PATCH') profile = { ...profile, ...JSON.parse(String(init.body)) };
    return new Response(JSON.stringify(profile), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  });
}

function renderProfile() {
  const router = createMemoryRouter(
    [
      {
        element: (
          <>
            <AppHeader />
            <Outlet />
          </>
        ),
        children: [{ path: '/profile', element: <ProfilePage /> }],
      },
    ],
    { initialEntries: ['/profile'] },
  );
  render(
    <QueryClientProvider client={new QueryClient()}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return userEvent.setup();
}

beforeEach(() => {
  session.signIn({ accessToken: 'token', tokenType: 'Bearer', expiresIn: 900 });
});
afterEach(() => {
  session.end();
  vi.unstubAllGlobals();
});

describe('ProfilePage', () => {
  it('refuses an empty name and an overlong bio with messages on the fields, and sends nothing', async () => {
    const gateway = fakeGateway();
    vi.stubGlobal('fetch', gateway);
    const user = renderProfile();

    const name = await screen.findByLabelText('Name');
    await user.clear(name);
    const bio = screen.getByLabelText('Bio');
    await user.click(bio);
    await user.paste('x'.repeat(501));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    expect(await screen.findByText('Name must not be empty.')).toBeDefined();
    expect(screen.getByText('Bio must be at most 500 characters.')).toBeDefined();
    expect(gateway.mock.calls.filter(([, init]) => init?.method === 'PATCH')).toHaveLength(0);
  });

  it('saves, says "Profile saved", and the header shows the new name at once', async () => {
    vi.stubGlobal('fetch', fakeGateway());
    const user = renderProfile();

    const name = await screen.findByLabelText('Name');
    await user.clear(name);
    await user.type(name, 'Ada King');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    expect(await screen.findByText('Profile saved')).toBeDefined();
    const banner = within(screen.getByRole('banner'));
    expect(await banner.findByRole('img', { name: 'Ada King' })).toBeDefined();
    expect(screen.getByRole('heading', { level: 1, name: 'Profile' })).toBeDefined();
    expect(screen.getByLabelText('Photo').getAttribute('type')).toBe('file');
    expect(screen.getByRole('button', { name: 'Upload photo' })).toBeDefined();
  });
});
