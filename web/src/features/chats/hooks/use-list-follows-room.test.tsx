import type { Chat } from '@relay/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { chatsQueryKey } from './chats-query-key.ts';
import type { RoomMessage } from './room-messages.ts';
import { useListFollowsRoom } from './use-list-follows-room.ts';

const ME = '00000000-0000-4000-8000-00000000000a';
const chat = (id: string, body: string | null): Chat => ({
  id,
  title: null,
  createdBy: ME,
  createdAt: '2026-11-25T09:00:00.000Z',
  members: [],
  lastMessage:
    body === null
      ? null
      : {
          chatId: id,
          messageId: `old-${id}`,
          clientMsgId: 'c0',
          senderId: ME,
          body,
          sentAt: '2026-11-25T10:00:00.000Z',
        },
  unreadCount: 0,
});
const A = '00000000-0000-4000-8000-000000000001';
const B = '00000000-0000-4000-8000-000000000002';
const own = (delivery: RoomMessage['delivery'], messageId?: string): RoomMessage => ({
  clientMsgId: 'c1',
  messageId,
  senderId: ME,
  body: 'Agenda follows',
  sentAt: '2026-11-25T11:00:00.000Z',
  delivery,
});

function setUp() {
  const client = new QueryClient();
  client.setQueryData(chatsQueryKey, [chat(B, 'Other chat'), chat(A, 'Before')]);
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
  const list = () => client.getQueryData<Chat[]>(chatsQueryKey) ?? [];
  return { wrapper, list };
}

describe('useListFollowsRoom', () => {
  it('shows an own message in the list, at the top, once it is stored', () => {
    const { wrapper, list } = setUp();
    const { rerender } = renderHook(({ newest }) => useListFollowsRoom(A, newest), {
      wrapper,
      initialProps: { newest: own('sending') },
    });
    expect(list().map((c) => c.lastMessage?.body)).toEqual(['Other chat', 'Before']);
    rerender({ newest: own('sent', 'm1') });
    expect(list().map((c) => [c.id, c.lastMessage?.body])).toEqual([
      [A, 'Agenda follows'],
      [B, 'Other chat'],
    ]);
  });

  it('never puts an older message over a newer one the list already has', () => {
    const { wrapper, list } = setUp();
    renderHook(() => useListFollowsRoom(A, { ...own('sent', 'm0'), sentAt: '2026-11-25T09:30:00.000Z' }), {
      wrapper,
    });
    expect(list().find((c) => c.id === A)?.lastMessage?.body).toBe('Before');
  });
});
