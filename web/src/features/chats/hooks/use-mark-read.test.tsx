import type { Chat } from '@relay/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { chatsQueryKey } from './chats-query-key.ts';

const socket = vi.hoisted(() => ({ markRead: vi.fn() }));
vi.mock('../api/chat-socket.ts', () => ({ chatSocket: socket }));
const { useMarkRead } = await import('./use-mark-read.ts');

const CHAT = '00000000-0000-4000-8000-000000000001';
const chat: Chat = {
  id: CHAT,
  title: null,
  createdBy: CHAT,
  createdAt: '2026-11-25T09:00:00.000Z',
  members: [],
  lastMessage: null,
  unreadCount: 4,
};

describe('useMarkRead', () => {
  it('reads nothing until ready (e.g. the tab hidden), then reads up to the message and clears the count', () => {
    const client = new QueryClient();
    client.setQueryData(chatsQueryKey, [chat]);
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    );
    const { rerender } = renderHook(({ ready }) => useMarkRead(CHAT, 'm9', ready, 4), {
      wrapper,
      initialProps: { ready: false },
    });
    expect(socket.markRead).not.toHaveBeenCalled();
    expect(client.getQueryData<Chat[]>(chatsQueryKey)?.[0]?.unreadCount).toBe(4);
    rerender({ ready: true });
    expect(socket.markRead).toHaveBeenCalledWith(CHAT, 'm9');
    expect(client.getQueryData<Chat[]>(chatsQueryKey)?.[0]?.unreadCount).toBe(0);
  });

  it('clears again a count that a re-read list brings back before the receipt is stored, sending it once more', () => {
    socket.markRead.mockClear();
    const client = new QueryClient();
    client.setQueryData(chatsQueryKey, [chat]);
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    );
    const unread = () => client.getQueryData<Chat[]>(chatsQueryKey)?.[0]?.unreadCount ?? -1;
    const { rerender } = renderHook(({ count }) => useMarkRead(CHAT, 'm9', true, count), {
      wrapper,
      initialProps: { count: 4 },
    });
    expect(unread()).toBe(0);
    rerender({ count: 0 });
    expect(socket.markRead).toHaveBeenCalledTimes(1);
    // The list is fetched again while the receipt is still on its way to chat-api's store.
    client.setQueryData(chatsQueryKey, [chat]);
    rerender({ count: 4 });
    expect(unread()).toBe(0);
    expect(socket.markRead).toHaveBeenCalledTimes(2);
    rerender({ count: 0 });
    expect(socket.markRead).toHaveBeenCalledTimes(2);
  });
});
