import type { Chat } from '@relay/contracts';
import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { totalUnread, unreadTitle, useUnreadTitle } from './use-unread-title.ts';

const chat = (unreadCount: number): Chat => ({
  id: crypto.randomUUID(),
  title: null,
  createdBy: crypto.randomUUID(),
  createdAt: '2026-11-25T10:00:00.000Z',
  members: [],
  lastMessage: null,
  unreadCount,
});

describe('unread title and badge count', () => {
  it('adds up the unread messages of every chat', () => {
    expect(totalUnread([chat(2), chat(0), chat(1)])).toBe(3);
    expect(totalUnread(undefined)).toBe(0);
  });

  it('puts the count in front of the section, and leaves it out at zero', () => {
    expect(unreadTitle(3, 'Chats')).toBe('(3) Chats · Relay');
    expect(unreadTitle(0, 'Chats')).toBe('Chats · Relay');
    expect(unreadTitle(250, 'Profile')).toBe('(99+) Profile · Relay');
    expect(unreadTitle(0, undefined)).toBe('Relay');
  });

  it('follows the count in document.title and gives the plain name back on leaving', () => {
    const { rerender, unmount } = renderHook(({ unread }) => useUnreadTitle(unread, 'Chats'), {
      initialProps: { unread: 1 },
    });
    expect(document.title).toBe('(1) Chats · Relay');
    rerender({ unread: 0 });
    expect(document.title).toBe('Chats · Relay');
    unmount();
    expect(document.title).toBe('Relay');
  });
});
