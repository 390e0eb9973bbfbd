import type { ChannelLayer } from '@relay/channel-layer';
import {
  type Chat,
  ChatServiceTopic,
  type ChatSummary,
  type ChatWithInvites,
  type CreateChatBody,
  Groups,
} from '@relay/contracts';
import type { EventProducer } from '@relay/kafka';
import type { Logger } from '@relay/platform';
import type { RateLimiter } from '@relay/redis';
import { consumeOrRefuse } from '../rate-limit.ts';
import type { PhotoLinks } from '../users/photo-links.ts';
import type { ChatApiClient } from './chat-api.client.ts';
import { notAMember } from './chats.errors.ts';
import type { ChatsRepository } from './chats.repository.ts';
import type { ChatRow } from './chats.schema.ts';

const KNOWN_MEMBERS_LIMIT = 100_000;

export interface Caller {
  userId: string;
  accessToken: string;
}

/**
 * Chats and memberships. The gateway's PostgreSQL is their source of truth; every change is
 * also published on `chat_service`, inside the transaction, so the chat service learns
 * memberships in order with the messages and a failed publish rolls the change back.
 */
export class ChatsService {
  readonly #repository: ChatsRepository;
  readonly #producer: EventProducer;
  readonly #chatApi: ChatApiClient;
  readonly #logger: Logger;
  readonly #memberLookups: RateLimiter;
  readonly #photoLinks: PhotoLinks;
  readonly #channelLayer: ChannelLayer;
  readonly #knownMembers = new Set<string>();

  constructor(options: {
    repository: ChatsRepository;
    producer: EventProducer;
    chatApi: ChatApiClient;
    logger: Logger;
    /** E-mail addresses a user may look up when adding members, keyed by user id. */
    memberLookups: RateLimiter;
    photoLinks: PhotoLinks;
    /** Tells a user's open apps about a chat they joined. */
    channelLayer: ChannelLayer;
  }) {
    this.#repository = options.repository;
    this.#producer = options.producer;
    this.#chatApi = options.chatApi;
    this.#logger = options.logger;
    this.#memberLookups = options.memberLookups;
    this.#photoLinks = options.photoLinks;
    this.#channelLayer = options.channelLayer;
  }

  async create(caller: Caller, body: CreateChatBody): Promise<ChatWithInvites> {
    const { userIds, invited } = await this.#resolveMembers(caller, body.memberEmails);
    const memberIds = [...new Set([caller.userId, ...userIds])];
    const title = body.title ?? null;
    const chat = await this.#repository.transaction(async (tx) => {
      const created = await this.#repository.insertChat(tx, { title, createdBy: caller.userId }, memberIds);
      await this.#repository.invite(tx, created.id, invited, caller.userId);
      await this.#producer.publishEvents(ChatServiceTopic, [
        { type: 'chat.created', payload: { chatId: created.id, title, createdBy: caller.userId, memberIds } },
      ]);
      return created;
    });
    await this.#announceJoined(memberIds.map((userId) => ({ chatId: chat.id, userId })));
    return { ...((await this.#describe([chat], new Map()))[0] as Chat), invited };
  }

  async addMembers(caller: Caller, chatId: string, emails: readonly string[]): Promise<ChatWithInvites> {
    await this.requireMember(chatId, caller.userId);
    const { userIds, invited } = await this.#resolveMembers(caller, emails);
    const added = await this.#repository.transaction(async (tx) => {
      await this.#repository.invite(tx, chatId, invited, caller.userId);
      const added = await this.#repository.addMembers(tx, chatId, userIds, caller.userId);
      await this.#publishMembersAdded(added.map((userId) => ({ chatId, userId, addedBy: caller.userId })));
      return added;
    });
    await this.#announceJoined(added.map((userId) => ({ chatId, userId })));
    const chat = await this.#repository.findChat(chatId);
    if (chat === undefined) throw notAMember();
    return { ...((await this.#describe([chat], await this.#summaries(caller)))[0] as Chat), invited };
  }

  /**
   * At sign-in: the chats the user was invited to (by e-mail, before the account was active) become
   * theirs. A failure here never blocks signing in; the invitations stay and the next sign-in tries again.
   */
  async joinInvitedChats(userId: string): Promise<void> {
    try {
      const joined = await this.#repository.transaction(async (tx) => {
        const joined = await this.#repository.acceptInvitations(tx, userId);
        await this.#publishMembersAdded(joined.map(({ chatId, addedBy }) => ({ chatId, userId, addedBy })));
        return joined;
      });
      await this.#announceJoined(joined.map(({ chatId }) => ({ chatId, userId })));
    } catch (err) {
      this.#logger.warn({ err, userId }, 'joining invited chats failed; kept for the next sign-in');
    }
  }

  /** Inside the transaction that made them: a failed publish undoes the memberships. */
  async #publishMembersAdded(added: { chatId: string; userId: string; addedBy: string }[]): Promise<void> {
    if (added.length === 0) return;
    await this.#producer.publishEvents(
      ChatServiceTopic,
      added.map((member) => ({ type: 'chat.member.added', payload: member })),
    );
  }

  /**
   * After the commit, best effort: a user whose app missed it still sees the chat at the next
   * list fetch, so a Redis hiccup here must not fail a change that is already made.
   */
  async #announceJoined(joined: { chatId: string; userId: string }[]): Promise<void> {
    try {
      await Promise.all(
        joined.map(({ chatId, userId }) =>
          this.#channelLayer.groupSend(Groups.user(userId), { type: 'chat.joined', chatId, userId }),
        ),
      );
    } catch (err) {
      this.#logger.warn({ err }, 'announcing joined chats failed; they show at the next list fetch');
    }
  }

  /** The caller's chats with last message and unread count (from chat-api when it answers). */
  async list(caller: Caller): Promise<Chat[]> {
    const rows = await this.#repository.chatsOf(caller.userId);
    return this.#describe(rows, await this.#summaries(caller));
  }

  /**
   * Throws a 403 for a non-member. Memberships are only ever added, so a yes is remembered (a
   * bounded set, oldest first out): the send path asks for every message.
   */
  async requireMember(chatId: string, userId: string): Promise<void> {
    const key = `${chatId}/${userId}`;
    if (this.#knownMembers.has(key)) return;
    if (!(await this.#repository.isMember(chatId, userId))) throw notAMember();
    if (this.#knownMembers.size >= KNOWN_MEMBERS_LIMIT)
      this.#knownMembers.delete(this.#knownMembers.values().next().value as string);
    this.#knownMembers.add(key);
  }

  /** Every address looked up costs the caller a point, whether or not it has an account. */
  async #resolveMembers(
    caller: Caller,
    emails: readonly string[],
  ): Promise<{ userIds: string[]; invited: string[] }> {
    const unique = [...new Set(emails)];
    if (unique.length === 0) return { userIds: [], invited: [] };
    await consumeOrRefuse(this.#memberLookups, caller.userId, 'Adding members too fast', unique.length);
    const found = await this.#repository.activeUsersByEmail(unique);
    const known = new Set(found.map((user) => user.email));
    return { userIds: found.map((user) => user.id), invited: unique.filter((email) => !known.has(email)) };
  }

  /** A list without last messages beats no list: chat-api being down degrades, not fails. */
  async #summaries(caller: Caller): Promise<Map<string, ChatSummary>> {
    try {
      const summaries = await this.#chatApi.summaries(caller.accessToken);
      return new Map(summaries.map((summary) => [summary.chatId, summary]));
    } catch (err) {
      this.#logger.warn({ err }, 'chat summaries unavailable; listing chats without them');
      return new Map();
    }
  }

  async #describe(rows: readonly ChatRow[], summaries: Map<string, ChatSummary>): Promise<Chat[]> {
    const members = await Promise.all(
      (await this.#repository.membersOf(rows.map((row) => row.id))).map(async (member) => ({
        ...member,
        photoUrl: member.photoKey === null ? null : await this.#photoLinks.link(member.photoKey, 'small'),
      })),
    );
    return rows.map((row) => {
      const summary = summaries.get(row.id);
      return {
        id: row.id,
        title: row.title,
        createdBy: row.createdBy,
        createdAt: row.createdAt.toISOString(),
        members: members
          .filter((member) => member.chatId === row.id)
          .map(({ userId, name, email, photoUrl }) => ({ userId, name, email, photoUrl })),
        lastMessage: summary?.lastMessage ?? null,
        unreadCount: summary?.unreadCount ?? 0,
      };
    });
  }
}
