import type { Chat } from '@relay/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { chatSocket } from '../api/chat-socket.ts';
import { chatsQueryKey } from './chats-query-key.ts';

/** The chat ids, as one string, so re-renders with the same chats keep their subscriptions. */
const idsOf = (chats: readonly Chat[]) => chats.map((chat) => chat.id).join(',');

/**
 * Keeps the list live: subscribes to every listed chat from its last message and moves a chat with a
 * new message to the top, with its last message and (for others' messages, unless their room is open
 * and shown) one more unread. A room that closes unsubscribes its chat, so the list subscribes again after each.
 */
export function useLiveChatList(
  chats: readonly Chat[],
  myUserId: string | undefined,
  openChatId: string | undefined,
): void {
  const queryClient = useQueryClient();
  const ids = idsOf(chats);
  const open = useRef(openChatId);
  open.current = openChatId;
  // biome-ignore lint/correctness/useExhaustiveDependencies: openChatId changing means a room closed (and unsubscribed)
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
        // The open room, while shown, reads what comes in at once: no unread to flash up in the title.
        const read = message.chatId === open.current && document.visibilityState === 'visible';
        const unread = message.senderId !== myUserId && !read;
        const updated = {
          ...chat,
          lastMessage: message,
          unreadCount: chat.unreadCount + (unread ? 1 : 0),
        };
        return [updated, ...list.filter((candidate) => candidate !== chat)];
      });
    });
    return () => {
      stop();
      for (const chatId of chatIds) chatSocket.unsubscribe(chatId);
    };
  }, [ids, myUserId, openChatId, queryClient]);
}
