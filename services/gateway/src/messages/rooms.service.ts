import { setTimeout as sleep } from 'node:timers/promises';
import { type ChannelLayer, comparePositions, type Position, type RecordedEvent } from '@relay/channel-layer';
import { type ChannelEvent, type ChatMessage, Groups, type ServerFrame } from '@relay/contracts';
import type { Logger } from '@relay/platform';
import { RateLimiter } from '@relay/redis';
import type { ChatApiClient } from '../chats/chat-api.client.ts';
import { consumeOrRefuse } from '../rate-limit.ts';
import { messageOnceKey } from './recent-stream.repository.ts';

/** A WebSocket connection as rooms see it. */
export interface RoomMember {
  readonly connectionId: string;
  readonly userId: string;
  readonly accessToken: string;
  deliver(frame: ServerFrame): void;
  /** Ends the connection so the client reconnects and resubscribes from what it has. */
  reconnect(reason: string): void;
}

interface Subscription {
  /** Last recorded position this member has been given (or skipped, being its origin). */
  last: Position;
  /** Live events held back while a replay runs; null when live. */
  pending: RecordedEvent[] | null;
}

/** A user's own group (`Groups.user`), joined by each of that user's connections here. */
interface UserChannel {
  members: Set<RoomMember>;
  listener: (event: ChannelEvent) => void;
}

interface Room {
  group: string;
  subscriptions: Map<RoomMember, Subscription>;
  listener: (event: ChannelEvent, position: Position | undefined) => void;
}

const START: Position = '0-0';
const CATCH_UP_ATTEMPTS = 8;

/**
 * The chat rooms of one gateway process: one channel-layer subscription per chat with local
 * members, fanned out to their connections. Each member's position in the chat's recent
 * stream is tracked, so a member joining with "the last message I have" gets exactly what it
 * missed, and a dropped Redis link is caught up from the stream once it is back.
 */
export class Rooms {
  readonly #channelLayer: ChannelLayer;
  readonly #chatApi: ChatApiClient;
  readonly #logger: Logger;
  readonly #replayMax: number;
  readonly #historyReplays: RateLimiter;
  readonly #rooms = new Map<string, Room>();
  readonly #userChannels = new Map<string, UserChannel>();
  /** Counts Redis reconnects, so a join that overlapped one knows to catch up afterwards. */
  #reconnects = 0;

  constructor(options: {
    channelLayer: ChannelLayer;
    chatApi: ChatApiClient;
    logger: Logger;
    replayMax: number;
    /** Replays from chat-api's history per connection per 10 s. */
    historyReplaysPer10s: number;
  }) {
    this.#channelLayer = options.channelLayer;
    this.#chatApi = options.chatApi;
    this.#logger = options.logger.child({ component: 'rooms' });
    this.#replayMax = options.replayMax;
    this.#historyReplays = RateLimiter.local({ points: options.historyReplaysPer10s, durationSeconds: 10 });
    this.#channelLayer.onResubscribed(() => {
      this.#reconnects += 1;
      for (const [chatId, room] of this.#rooms) void this.#catchUp(chatId, room);
    });
  }

  get size(): number {
    return this.#rooms.size;
  }

  /**
   * Joins `member` to the chat: replays what came after `afterMessageId` (nothing without it),
   * then answers `subscribed`, then goes live. Returns how many messages were replayed.
   */
  async join(member: RoomMember, chatId: string, afterMessageId: string | undefined): Promise<number> {
    const reconnectsAtStart = this.#reconnects;
    const room = await this.#room(chatId);
    const subscription: Subscription = { last: START, pending: [] };
    room.subscriptions.set(member, subscription);
    try {
      const replay = await this.#missed(member, room.group, chatId, afterMessageId);
      if (room.subscriptions.get(member) !== subscription) return 0;
      subscription.last = replay.last;
      for (const message of replay.messages) member.deliver({ type: 'message.new', message });
      member.deliver({ type: 'subscribed', chatId, replayed: replay.messages.length });
      this.#goLive(member, subscription);
      // A reconnect during the replay skipped this member's catch-up; run it now.
      if (this.#reconnects !== reconnectsAtStart) await this.#catchUp(chatId, room);
      return replay.messages.length;
    } catch (error) {
      await this.leave(member, chatId);
      throw error;
    }
  }

  async leave(member: RoomMember, chatId: string): Promise<void> {
    const room = this.#rooms.get(chatId);
    if (room === undefined || !room.subscriptions.delete(member)) return;
    if (room.subscriptions.size === 0) {
      this.#rooms.delete(chatId);
      await this.#channelLayer.groupDiscard(room.group, room.listener);
    }
  }

  async leaveAll(member: RoomMember, chatIds: Iterable<string>): Promise<void> {
    await Promise.all([...chatIds].map((chatId) => this.leave(member, chatId)));
  }

  /**
   * Joins `member` to its user's own group for as long as it is connected: what is addressed to
   * the user alone (a conversion's status) reaches every connection of theirs.
   */
  async joinUserChannel(member: RoomMember): Promise<void> {
    const existing = this.#userChannels.get(member.userId);
    if (existing !== undefined) {
      existing.members.add(member);
      return;
    }
    const members = new Set([member]);
    const listener = (event: ChannelEvent) => {
      for (const to of members) {
        const frame = userFrame(event, to);
        if (frame !== undefined) to.deliver(frame);
      }
    };
    this.#userChannels.set(member.userId, { members, listener });
    await this.#channelLayer.groupAdd(Groups.user(member.userId), listener);
  }

  async leaveUserChannel(member: RoomMember): Promise<void> {
    const channel = this.#userChannels.get(member.userId);
    if (channel === undefined || !channel.members.delete(member) || channel.members.size > 0) return;
    this.#userChannels.delete(member.userId);
    await this.#channelLayer.groupDiscard(Groups.user(member.userId), channel.listener);
  }

  async #room(chatId: string): Promise<Room> {
    const existing = this.#rooms.get(chatId);
    if (existing !== undefined) return existing;
    const room: Room = {
      group: Groups.chat(chatId),
      subscriptions: new Map(),
      listener: (event, position) => this.#fanOut(room, event, position),
    };
    this.#rooms.set(chatId, room);
    await this.#channelLayer.groupAdd(room.group, room.listener);
    return room;
  }

  async #missed(
    member: RoomMember,
    group: string,
    chatId: string,
    afterMessageId: string | undefined,
  ): Promise<{ messages: ChatMessage[]; last: Position }> {
    if (afterMessageId === undefined) {
      return { messages: [], last: (await this.#channelLayer.latestPosition(group)) ?? START };
    }
    const position = await this.#channelLayer.positionOf(messageOnceKey(chatId, afterMessageId));
    if (position !== undefined) {
      const recent = await this.#channelLayer.recordedSince(group, position);
      if (recent.complete) {
        return { messages: messagesOf(recent.events), last: recent.events.at(-1)?.position ?? position };
      }
    }
    // Older than the recent stream: persisted history first, then whatever the stream adds. Each
    // such replay costs chat-api queries, so a connection gets only a few of them per window.
    await consumeOrRefuse(this.#historyReplays, member.connectionId, 'Replaying history too often');
    const persisted = await this.#chatApi.messagesAfter(
      member.accessToken,
      chatId,
      afterMessageId,
      this.#replayMax,
    );
    const recent = await this.#channelLayer.recordedSince(group, undefined);
    const known = new Set([afterMessageId, ...persisted.map((message) => message.messageId)]);
    const newer = messagesOf(recent.events).filter((message) => !known.has(message.messageId));
    return { messages: [...persisted, ...newer], last: recent.events.at(-1)?.position ?? START };
  }

  #fanOut(room: Room, event: ChannelEvent, position: Position | undefined): void {
    // One frame object for the whole room: connections serialize a frame once however many share it.
    const recorded = position === undefined ? undefined : { event, position, frame: recordedFrame(event) };
    for (const [member, subscription] of room.subscriptions) {
      if (recorded !== undefined) {
        if (subscription.pending !== null) subscription.pending.push(recorded);
        else this.#deliverRecorded(member, subscription, recorded);
        continue;
      }
      const frame = liveFrame(event, member);
      if (frame !== undefined) member.deliver(frame);
    }
  }

  #deliverRecorded(
    member: RoomMember,
    subscription: Subscription,
    recorded: RecordedEvent & { frame?: ServerFrame | undefined },
  ): void {
    if (comparePositions(recorded.position, subscription.last) <= 0) return;
    subscription.last = recorded.position;
    const { event } = recorded;
    if (event.type === 'chat.message' && event.origin !== member.connectionId) {
      member.deliver(recorded.frame ?? { type: 'message.new', message: event.message });
    }
  }

  #goLive(member: RoomMember, subscription: Subscription): void {
    const pending = subscription.pending ?? [];
    subscription.pending = null;
    for (const recorded of pending) this.#deliverRecorded(member, subscription, recorded);
  }

  /**
   * After Redis came back: hold live events, read the stream from the oldest member's position,
   * resume. The read is retried; if it keeps failing, members are sent to reconnect (and replay
   * from their last message) rather than left live with a gap.
   */
  async #catchUp(chatId: string, room: Room): Promise<void> {
    const live = [...room.subscriptions].filter(([, subscription]) => subscription.pending === null);
    if (live.length === 0) return;
    for (const [, subscription] of live) subscription.pending = [];
    let oldest = live[0]?.[1].last ?? START;
    for (const [, subscription] of live)
      if (comparePositions(subscription.last, oldest) < 0) oldest = subscription.last;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const { events } = await this.#channelLayer.recordedSince(room.group, oldest);
        for (const [member, subscription] of live)
          for (const recorded of events) this.#deliverRecorded(member, subscription, recorded);
        for (const [member, subscription] of live) this.#goLive(member, subscription);
        this.#logger.info({ chatId, events: events.length, attempt }, 'caught up after reconnect');
        return;
      } catch (err) {
        if (attempt >= CATCH_UP_ATTEMPTS) {
          this.#logger.warn({ err, chatId }, 'catch-up failed; sending members to reconnect');
          for (const [member] of live) member.reconnect('lost the room stream; resubscribe');
          return;
        }
        await sleep(Math.min(2000, 100 * 2 ** attempt));
      }
    }
  }
}

/** The frame a recorded event becomes for the members it is for (not its origin). */
function recordedFrame(event: ChannelEvent): ServerFrame | undefined {
  return event.type === 'chat.message' ? { type: 'message.new', message: event.message } : undefined;
}

function messagesOf(events: readonly RecordedEvent[]): ChatMessage[] {
  return events.flatMap(({ event }) => (event.type === 'chat.message' ? [event.message] : []));
}

/** Unrecorded events: typing and read receipts, for the other users in the room. */
function liveFrame(event: ChannelEvent, member: RoomMember): ServerFrame | undefined {
  switch (event.type) {
    case 'chat.typing':
      return event.userId === member.userId
        ? undefined
        : { type: 'typing', chatId: event.chatId, userId: event.userId };
    case 'chat.read':
      return event.userId === member.userId
        ? undefined
        : { type: 'message.read', chatId: event.chatId, userId: event.userId, messageId: event.messageId };
    case 'chat.message':
    case 'conversion.status':
    case 'chat.joined':
      return undefined;
  }
}

/** Events of a user's own group, for that user only (one addressed to someone else is dropped). */
function userFrame(event: ChannelEvent, member: RoomMember): ServerFrame | undefined {
  switch (event.type) {
    case 'conversion.status':
      return event.status.ownerId === member.userId
        ? { type: 'conversion.status', status: event.status }
        : undefined;
    case 'chat.joined':
      return event.userId === member.userId ? { type: 'chat.joined', chatId: event.chatId } : undefined;
    case 'chat.message':
    case 'chat.typing':
    case 'chat.read':
      return undefined;
  }
}
