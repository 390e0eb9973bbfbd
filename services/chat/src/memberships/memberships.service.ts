import type { ChatSummary } from '@relay/contracts';
import { notAMember } from '../chat.errors.ts';
import type { ChatStore } from '../store/chat-store.ts';

/**
 * Who belongs to which chat, as `chat_service` told this service (chat.created,
 * chat.member.added): chat-api enforces membership on its own, whatever the caller sends.
 */
export class MembershipsService {
  readonly #store: ChatStore;

  constructor(store: ChatStore) {
    this.#store = store;
  }

  /** Refuses a non-member, and alike a chat this service never heard of. */
  async requireMember(chatId: string, userId: string): Promise<void> {
    if (!(await this.#store.isMember(chatId, userId))) throw notAMember();
  }

  /** The caller's chats with their last message, unread count and read position. */
  chatsOf(userId: string): Promise<ChatSummary[]> {
    return this.#store.summaries(userId);
  }
}
