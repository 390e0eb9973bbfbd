import type { Chat } from '@relay/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { chatsQueryKey } from './chats-query-key.ts';
import type { RoomMessage } from './room-messages.ts';

/**
 * Puts the open room's newest stored message at the top of the list beside it. Own messages come
 * back as acks, not as messages, so the live list alone would go on showing the one before.
 */
export function useListFollowsRoom(chatId: string, newest: RoomMessage | undefined): void {
  const queryClient = useQueryClient();
  const messageId = newest?.messageId;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the stored message id stands for the message
  useEffect(() => {
    if (newest === undefined || messageId === undefined) return;
    queryClient.setQueryData<Chat[]>(chatsQueryKey, (list) => {
      const chat = list?.find((candidate) => candidate.id === chatId);
      if (list === undefined || chat === undefined || chat.lastMessage?.messageId === messageId) return list;
      if (chat.lastMessage !== null && Date.parse(chat.lastMessage.sentAt) > Date.parse(newest.sentAt))
        return list;
      const { clientMsgId, senderId, body, sentAt } = newest;
      const lastMessage = { chatId, messageId, clientMsgId, senderId, body, sentAt };
      return [{ ...chat, lastMessage }, ...list.filter((candidate) => candidate !== chat)];
    });
  }, [chatId, messageId, queryClient]);
}
