import type { MessagePage, MessagePageQuery, ReadPositionList } from '@relay/contracts';
import { conflictingCursors, unknownCursor } from '../chat.errors.ts';
import type { MembershipsService } from '../memberships/memberships.service.ts';
import type { ChatStore } from '../store/chat-store.ts';

/** Chat history in the order chat-consumer stored it (the partition's order). */
export class MessagesService {
  readonly #store: ChatStore;
  readonly #memberships: MembershipsService;

  constructor(store: ChatStore, memberships: MembershipsService) {
    this.#store = store;
    this.#memberships = memberships;
  }

  /** A page, oldest first: the newest by default, older than `before`, or newer than `after`. */
  async history(userId: string, chatId: string, query: MessagePageQuery): Promise<MessagePage> {
    await this.#memberships.requireMember(chatId, userId);
    if (query.before !== undefined && query.after !== undefined) throw conflictingCursors();
    const page = await this.#store.page(chatId, query);
    if (page === undefined) throw unknownCursor((query.after ?? query.before) as string);
    return page;
  }

  /** How far each member has read: own messages show "read by N" after a reload too. */
  async reads(userId: string, chatId: string): Promise<ReadPositionList> {
    await this.#memberships.requireMember(chatId, userId);
    return { reads: await this.#store.readPositions(chatId) };
  }
}
