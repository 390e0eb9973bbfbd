import type { UserProfile } from '@relay/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { profileQueryKey } from '../features/profile/hooks/profile-query-key.ts';
import { AppHeader } from './app-header.tsx';

const profile: UserProfile = {
  id: '0b9a2b44-6a3f-4c52-9d0e-6f1d1c3e8a11',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  bio: '',
  photo: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const photo = {
  small: 'https://s3.example/ada-small.webp',
  medium: 'https://s3.example/ada-medium.webp',
  large: 'https://s3.example/ada-large.webp',
  expiresAt: '2099-01-01T00:00:00.000Z',
};

function renderHeader(user: UserProfile, unread = 0) {
  const client = new QueryClient();
  client.setQueryData(profileQueryKey, user);
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={['/chats']}>
        <AppHeader unread={unread} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return { banner: within(screen.getByRole('banner')), client };
}

describe('AppHeader', () => {
  it('shows the user’s photo named after them, the three sections and sign out', () => {
    const { banner } = renderHeader({ ...profile, photo });

    const avatar = banner.getByRole('img', { name: 'Ada Lovelace' });
    expect(avatar.tagName).toBe('IMG');
    expect(avatar.getAttribute('src')).toBe(photo.small);
    for (const name of ['Chats', 'Conversions', 'Profile'])
      expect(banner.getByRole('link', { name })).toBeDefined();
    expect(banner.getByRole('link', { name: 'Chats' }).getAttribute('aria-current')).toBe('page');
    expect(banner.getByRole('button', { name: 'Sign out' })).toBeDefined();
  });

  it('shows initials, named after the user, when there is no photo', () => {
    const { banner } = renderHeader(profile);
    const avatar = banner.getByRole('img', { name: 'Ada Lovelace' });
    expect(avatar.tagName).not.toBe('IMG');
    expect(avatar.textContent).toBe('AL');
  });

  it('shows the unread count on Chats, named for screen readers, and no badge at zero', () => {
    const { banner } = renderHeader(profile, 3);
    const chats = banner.getByRole('link', { name: 'Chats 3 unread' });
    expect(chats.querySelector('.badge [aria-hidden]')?.textContent).toBe('3');
    expect(banner.getByRole('link', { name: 'Conversions' }).querySelector('.badge')).toBeNull();
  });

  it('shows no badge without unread messages', () => {
    const { banner } = renderHeader(profile, 0);
    expect(banner.getByRole('link', { name: 'Chats' }).querySelector('.badge')).toBeNull();
  });

  it('follows the profile at once when it changes (a new photo)', async () => {
    const { banner, client } = renderHeader(profile);
    client.setQueryData(profileQueryKey, { ...profile, photo });
    const avatar = await banner.findByRole('img', { name: 'Ada Lovelace' });
    await expect.poll(() => banner.getByRole('img', { name: 'Ada Lovelace' }).tagName).toBe('IMG');
    expect(avatar).toBeDefined();
  });
});
