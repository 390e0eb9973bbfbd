import type { Chat } from '@relay/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { chatSocket } from '../api/chat-socket.ts';
import { chatsQueryKey } from './chats-query-key.ts';

/** The chat ids, as one string, so re-renders with the same chats keep their subscriptions. */
const idsOf = (chats: readonly Chat[]) => chats.map((chat) => chat.id).join(',');

/**
 * Keeps the list live: subscribes to every listed chat from its last message and moves a chat with a
 * new message to the top, with its last message and (for others' messages) one more unread.
 */
export function useLiveChatList(chats: readonly Chat[], myUserId: string | undefined): void {
  const queryClient = useQueryClient();
  const ids = idsOf(chats);
  useEffect(() => {
    const current = queryClient.getQueryData<Chat[]>(chatsQueryKey) ?? [];
    const chatIds = ids === '' ? [] : ids.split(',');
    for (const chat of current)
      if (chatIds.includes(chat.id)) chatSocket.subscribe(chat.id, chat.lastMessage?.messageId);
    const stop = chatSocket.on((event) => {
      // Put in a chat elsewhere (someone added us): the list learns it now, not at the next visit.
      if (event.type === 'joined') void queryClient.invalidateQueries({ queryKey: chatsQueryKey });
      if (event.type !== 'message') return;
      const { message } = event;
      queryClient.setQueryData<Chat[]>(chatsQueryKey, (list) => {
        const chat = list?.find((candidate) => candidate.id === message.chatId);
        if (list === undefined || chat === undefined) return list;
        const fromOther = message.senderId !== myUserId;
        const updated = {
          ...chat,
          lastMessage: message,
          unreadCount: chat.unreadCount + (fromOther ? 1 : 0),
        };
        return [updated, ...list.filter((candidate) => candidate !== chat)];
      });
    });
    return () => {
      stop();
      for (const chatId of chatIds) chatSocket.unsubscribe(chatId);
    };
  }, [ids, myUserId, queryClient]);
}
