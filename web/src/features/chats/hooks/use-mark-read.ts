import type { Chat } from '@relay/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { chatSocket } from '../api/chat-socket.ts';
import { chatsQueryKey } from './chats-query-key.ts';

/**
 * Tells the others (read receipts) and the list (unread badge) that this room was read up to
 * `messageId` once `ready` (connected, and the reader can see it); again on each reconnect, since a
 * receipt sent while the socket was down is lost, and on coming back to the tab. A list re-read while
 * the receipt is still on its way to the store (`unreadCount` back above 0) is corrected at once.
 */
export function useMarkRead(
  chatId: string,
  messageId: string | undefined,
  ready: boolean,
  unreadCount: number,
): void {
  const queryClient = useQueryClient();
  const stale = unreadCount > 0;
  const marked = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (messageId === undefined || !ready) {
      marked.current = undefined;
      return;
    }
    if (!stale && marked.current === messageId) return;
    marked.current = messageId;
    chatSocket.markRead(chatId, messageId);
    queryClient.setQueryData<Chat[]>(chatsQueryKey, (chats) =>
      chats?.map((chat) => (chat.id === chatId ? { ...chat, unreadCount: 0 } : chat)),
    );
  }, [chatId, messageId, ready, stale, queryClient]);
}
