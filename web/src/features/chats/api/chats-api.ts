import {
  type AddMembersBody,
  ChatList,
  ChatWithInvites,
  type CreateChatBody,
  MessagePage,
  ReadPositionList,
} from '@relay/contracts';
import { api } from '../../../lib/api/api.ts';

const HISTORY_PAGE_SIZE = 50;

/** The gateway's /api/chats endpoints. */
export const chatsApi = {
  list: async () => (await api.request('/api/chats', { schema: ChatList })).chats,
  create: (body: CreateChatBody) =>
    api.request('/api/chats', { method: 'POST', body, schema: ChatWithInvites }),
  addMembers: (chatId: string, body: AddMembersBody) =>
    api.request(`/api/chats/${encodeURIComponent(chatId)}/members`, {
      method: 'POST',
      body,
      schema: ChatWithInvites,
    }),
  /** One page of history, oldest first; `before` pages back from a message. */
  history: (chatId: string, before?: string) => {
    const query = new URLSearchParams({ limit: String(HISTORY_PAGE_SIZE) });
    if (before !== undefined) query.set('before', before);
    return api.request(`/api/chats/${encodeURIComponent(chatId)}/messages?${query}`, { schema: MessagePage });
  },
  /** How far each member has read. */
  reads: async (chatId: string) =>
    (await api.request(`/api/chats/${encodeURIComponent(chatId)}/reads`, { schema: ReadPositionList })).reads,
};
