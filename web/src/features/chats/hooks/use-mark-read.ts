import type { Chat } from '@relay/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { chatSocket } from '../api/chat-socket.ts';
import { chatsQueryKey } from './chats-query-key.ts';

/**
 * Tells the others (read receipts) and the list (unread badge) that this room was read up to
 * `messageId` once `ready` (connected, and the reader can see it); again on each reconnect, since a
 * receipt sent while the socket was down is lost, and on coming back to the tab.
 */
export function useMarkRead(chatId: string, messageId: string | undefined, ready: boolean): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (messageId === undefined || !ready) return;
    chatSocket.markRead(chatId, messageId);
    queryClient.setQueryData<Chat[]>(chatsQueryKey, (chats) =>
      chats?.map((chat) => (chat.id === chatId ? { ...chat, unreadCount: 0 } : chat)),
    );
  }, [chatId, messageId, ready, queryClient]);
}
