import { randomUUID } from 'node:crypto';
import type { ChannelLayer, GroupSubscriber, Position, RecordedEvent } from '@relay/channel-layer';
import { type ChannelEvent, type ChatMessage, Groups, type ServerFrame } from '@relay/contracts';
import { createLogger } from '@relay/platform';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatApiClient } from '../chats/chat-api.client.ts';
import { type RoomMember, Rooms } from './rooms.service.ts';

// Catch-up backs off between attempts (up to seconds); here every back-off is instant.
vi.mock('node:timers/promises', () => ({ setTimeout: async () => undefined }));

const CHAT = '0b9e3f4e-2f43-4c61-9a53-2a1d2e3f4a5b';
const GROUP = Groups.chat(CHAT);
const SENDER = '1c8f4a5f-3a54-4d72-8b64-3b2e3f4a5b6c';
const REPLAY_MAX = 500;

const message = (body: string): ChatMessage => ({
  messageId: randomUUID(),
  chatId: CHAT,
  senderId: SENDER,
  clientMsgId: `c-${body}`,
  body,
  sentAt: new Date().toISOString(),
});

/**
 * What Rooms calls on the channel layer, in memory: one recent stream per group (trimmable),
 * once-keys that outlive trimming as Redis' do, subscribers, and a switch that cuts the live link
 * (events are still recorded but nobody hears them) until `resubscribe()`.
 */
class FakeChannelLayer {
  readonly #streams = new Map<string, RecordedEvent[]>();
  readonly #positions = new Map<string, Position>();
  readonly #subscribers = new Map<string, Set<GroupSubscriber>>();
  readonly #resubscribed = new Set<() => void>();
  #sequence = 0;
  linkUp = true;
  /** Called after each `recordedSince` read took its snapshot; may throw (Redis down) or wait (a slow answer). */
  beforeRead: () => Promise<void> | void = () => undefined;
  reads = 0;

  /** Records a message as `recordOnce` does and sends it to the room's subscribers. */
  record(chatMessage: ChatMessage, origin?: string): Position {
    const position = this.recordSilently(chatMessage, origin);
    this.hear(position);
    return position;
  }

  /** Records without anyone hearing it yet (the publish is still on its way, or the link is down). */
  recordSilently(chatMessage: ChatMessage, origin?: string): Position {
    this.#sequence += 1;
    const position = `${1_000 + this.#sequence}-0`;
    const event: ChannelEvent = { type: 'chat.message', message: chatMessage, origin };
    this.#stream(GROUP).push({ position, event });
    this.#positions.set(chatMessage.messageId, position);
    return position;
  }

  /** Delivers a recorded event to the subscribers, as the pub/sub half of the script does. */
  hear(position: Position): void {
    const recorded = this.#stream(GROUP).find((entry) => entry.position === position);
    if (recorded === undefined) throw new Error(`nothing recorded at ${position}`);
    if (!this.linkUp) return;
    for (const subscriber of this.#subscribers.get(GROUP) ?? []) subscriber(recorded.event, position);
  }

  /** An unrecorded event (typing, read receipts, a conversion's status). */
  send(event: ChannelEvent, group = GROUP): void {
    if (!this.linkUp) return;
    for (const subscriber of this.#subscribers.get(group) ?? []) subscriber(event, undefined);
  }

  /** Drops the oldest `count` entries, as MAXLEN trimming does; once-keys stay. */
  trim(count: number): void {
    this.#stream(GROUP).splice(0, count);
  }

  /** The link is back and every group subscribed again. */
  resubscribe(): void {
    this.linkUp = true;
    for (const listener of this.#resubscribed) listener();
  }

  subscriberCount(group: string): number {
    return this.#subscribers.get(group)?.size ?? 0;
  }

  // --- what Rooms calls ---

  async groupAdd(group: string, subscriber: GroupSubscriber): Promise<void> {
    const subscribers = this.#subscribers.get(group) ?? new Set();
    subscribers.add(subscriber);
    this.#subscribers.set(group, subscribers);
  }

  async groupDiscard(group: string, subscriber: GroupSubscriber): Promise<void> {
    this.#subscribers.get(group)?.delete(subscriber);
  }

  async latestPosition(group: string): Promise<Position | undefined> {
    return this.#stream(group).at(-1)?.position;
  }

  /** Once-keys end with the message id, whatever their prefix. */
  async positionOf(onceKey: string): Promise<Position | undefined> {
    for (const [messageId, position] of this.#positions) if (onceKey.endsWith(messageId)) return position;
    return undefined;
  }

  async recordedSince(
    group: string,
    after: Position | undefined,
  ): Promise<{ events: RecordedEvent[]; complete: boolean }> {
    this.reads += 1;
    const stream = [...this.#stream(group)];
    await this.beforeRead();
    if (after === undefined) return { events: stream, complete: true };
    const events = stream.filter((entry) => positionNumber(entry.position) > positionNumber(after));
    const first = stream[0];
    return {
      events,
      complete: first === undefined || positionNumber(first.position) <= positionNumber(after),
    };
  }

  onResubscribed(listener: () => void): () => void {
    this.#resubscribed.add(listener);
    return () => this.#resubscribed.delete(listener);
  }

  #stream(group: string): RecordedEvent[] {
    const stream = this.#streams.get(group) ?? [];
    this.#streams.set(group, stream);
    return stream;
  }
}

const positionNumber = (position: Position) => Number(position.split('-')[0]);

/** chat-api's history as Rooms reads it: the persisted messages after a cursor. */
class FakeChatApi {
  persisted: ChatMessage[] = [];
  readonly calls: { accessToken: string; chatId: string; afterMessageId: string; max: number }[] = [];
  beforeAnswer: () => Promise<void> | void = () => undefined;

  async messagesAfter(accessToken: string, chatId: string, afterMessageId: string, max: number) {
    this.calls.push({ accessToken, chatId, afterMessageId, max });
    await this.beforeAnswer();
    const index = this.persisted.findIndex((persisted) => persisted.messageId === afterMessageId);
    return this.persisted.slice(index + 1, index + 1 + max);
  }
}

class FakeMember implements RoomMember {
  readonly connectionId = randomUUID();
  readonly userId: string;
  readonly accessToken: string;
  readonly frames: ServerFrame[] = [];
  readonly reconnects: string[] = [];

  constructor(userId: string = randomUUID()) {
    this.userId = userId;
    this.accessToken = `token-of-${userId}`;
  }

  deliver(frame: ServerFrame): void {
    this.frames.push(frame);
  }

  reconnect(reason: string): void {
    this.reconnects.push(reason);
  }

  /** What it heard, in order: message bodies and `subscribed` markers. */
  heard(): string[] {
    return this.frames.flatMap((frame) => {
      if (frame.type === 'message.new') return [frame.message.body];
      if (frame.type === 'subscribed') return [`subscribed(${frame.replayed})`];
      return [];
    });
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

let channelLayer: FakeChannelLayer;
let chatApi: FakeChatApi;
let rooms: Rooms;

/** Joins a member after `afterMessageId` and holds its replay inside the stream read until `read.resolve()`. */
async function joinPausedInItsRead(afterMessageId: string) {
  const read = deferred();
  const reading = deferred();
  channelLayer.beforeRead = async () => {
    reading.resolve();
    await read.promise;
  };
  const member = new FakeMember();
  const joined = rooms.join(member, CHAT, afterMessageId);
  await reading.promise;
  channelLayer.beforeRead = () => undefined;
  return { member, joined, read };
}

beforeEach(() => {
  channelLayer = new FakeChannelLayer();
  chatApi = new FakeChatApi();
  rooms = new Rooms({
    channelLayer: channelLayer as unknown as ChannelLayer,
    chatApi: chatApi as unknown as ChatApiClient,
    logger: createLogger({ name: 'rooms-test', level: 'silent' }),
    replayMax: REPLAY_MAX,
    historyReplaysPer10s: 5,
  });
});

describe('Rooms: joining', () => {
  it('joins without afterMessageId live from the newest position: nothing older, everything newer', async () => {
    channelLayer.record(message('before'));
    const member = new FakeMember();
    expect(await rooms.join(member, CHAT, undefined)).toBe(0);
    channelLayer.record(message('after'));
    expect(member.heard()).toEqual(['subscribed(0)', 'after']);
    expect(chatApi.calls).toEqual([]);
  });

  it('replays from the recent stream what came after afterMessageId, then answers subscribed, then goes live', async () => {
    const seen = message('seen');
    channelLayer.record(seen);
    channelLayer.record(message('missed 1'));
    channelLayer.record(message('missed 2'));
    const member = new FakeMember();
    expect(await rooms.join(member, CHAT, seen.messageId)).toBe(2);
    channelLayer.record(message('live'));
    expect(member.heard()).toEqual(['missed 1', 'missed 2', 'subscribed(2)', 'live']);
    expect(chatApi.calls).toEqual([]);
  });

  it("falls back to chat-api's history when the stream no longer reaches back, adding what only the stream has", async () => {
    const seen = message('seen');
    const persisted = [message('persisted 1'), message('persisted 2')];
    chatApi.persisted = [seen, ...persisted];
    for (const old of [seen, ...persisted]) channelLayer.record(old);
    channelLayer.trim(2); // "seen" and "persisted 1" are gone from the stream
    channelLayer.record(message('not persisted yet'));
    const member = new FakeMember();

    expect(await rooms.join(member, CHAT, seen.messageId)).toBe(3);
    channelLayer.record(message('live'));
    // "persisted 2" is in both history and the stream: heard once.
    expect(member.heard()).toEqual([
      'persisted 1',
      'persisted 2',
      'not persisted yet',
      'subscribed(3)',
      'live',
    ]);
    expect(chatApi.calls).toEqual([
      { accessToken: member.accessToken, chatId: CHAT, afterMessageId: seen.messageId, max: REPLAY_MAX },
    ]);
  });

  it('asks chat-api for a message the stream never had (its once-key expired)', async () => {
    const seen = message('seen long ago');
    chatApi.persisted = [seen, message('persisted')];
    const member = new FakeMember();
    expect(await rooms.join(member, CHAT, seen.messageId)).toBe(1);
    expect(member.heard()).toEqual(['persisted', 'subscribed(1)']);
    expect(chatApi.calls).toHaveLength(1);
  });

  it('holds live events during a replay and delivers them after subscribed, each once', async () => {
    const seen = message('seen');
    channelLayer.record(seen);
    channelLayer.record(message('missed'));
    const racing = channelLayer.recordSilently(message('recorded before the read, heard during it'));
    const { member, joined, read } = await joinPausedInItsRead(seen.messageId);
    // While the replay reads: one event the read also returns, one it cannot have.
    channelLayer.hear(racing);
    const duringReplay = channelLayer.recordSilently(message('during the replay'));
    read.resolve();
    channelLayer.hear(duringReplay);
    expect(await joined).toBe(2);
    channelLayer.record(message('live'));

    expect(member.heard()).toEqual([
      'missed',
      'recorded before the read, heard during it',
      'subscribed(2)',
      'during the replay',
      'live',
    ]);
  });

  it('holds live events during a replay from chat-api and delivers them after subscribed', async () => {
    const seen = message('seen');
    chatApi.persisted = [seen, message('persisted')];
    const answer = deferred();
    const asked = deferred();
    chatApi.beforeAnswer = async () => {
      asked.resolve();
      await answer.promise;
    };
    const member = new FakeMember();
    const joined = rooms.join(member, CHAT, seen.messageId);
    await asked.promise;
    channelLayer.record(message('sent during the replay'));
    expect(member.heard()).toEqual([]);
    answer.resolve();
    await joined;
    // The stream read after history returned it already; the held copy is not delivered twice.
    expect(member.heard()).toEqual(['persisted', 'sent during the replay', 'subscribed(2)']);
  });

  it('refuses replays from chat-api beyond the per-connection limit, and leaves the room', async () => {
    const seen = message('seen long ago');
    chatApi.persisted = [seen];
    const member = new FakeMember();
    for (let index = 0; index < 5; index += 1) await rooms.join(member, CHAT, seen.messageId);
    await expect(rooms.join(member, CHAT, seen.messageId)).rejects.toMatchObject({ code: 'rate_limited' });
    expect(chatApi.calls).toHaveLength(5);
    expect(rooms.size).toBe(0);
    expect(channelLayer.subscriberCount(GROUP)).toBe(0);
  });
});

describe('Rooms: live fan-out', () => {
  it('does not send the origin connection its own message, and does not replay it to it later', async () => {
    const sender = new FakeMember();
    const other = new FakeMember();
    await rooms.join(sender, CHAT, undefined);
    await rooms.join(other, CHAT, undefined);
    channelLayer.record(message('mine'), sender.connectionId);
    // A catch-up reads from each member's position, which the sender's own message advanced too.
    channelLayer.resubscribe();
    channelLayer.record(message('fence'));
    await vi.waitFor(() => expect(sender.heard()).toContain('fence'));
    expect(channelLayer.reads).toBe(1);
    expect(other.heard()).toEqual(['subscribed(0)', 'mine', 'fence']);
    expect(sender.heard()).toEqual(['subscribed(0)', 'fence']);
  });

  it('sends typing to the other users of the room, not back to the typist', async () => {
    const typist = new FakeMember();
    const other = new FakeMember();
    await rooms.join(typist, CHAT, undefined);
    await rooms.join(other, CHAT, undefined);
    channelLayer.send({ type: 'chat.typing', chatId: CHAT, userId: typist.userId });
    expect(other.frames).toContainEqual({ type: 'typing', chatId: CHAT, userId: typist.userId });
    expect(typist.frames.map((frame) => frame.type)).toEqual(['subscribed']);
  });

  it('leaves the channel-layer group when the last member leaves', async () => {
    const first = new FakeMember();
    const second = new FakeMember();
    await rooms.join(first, CHAT, undefined);
    await rooms.join(second, CHAT, undefined);
    expect(channelLayer.subscriberCount(GROUP)).toBe(1);
    await rooms.leave(first, CHAT);
    expect(channelLayer.subscriberCount(GROUP)).toBe(1);
    await rooms.leaveAll(second, [CHAT]);
    expect(channelLayer.subscriberCount(GROUP)).toBe(0);
    expect(rooms.size).toBe(0);
  });
});

describe('Rooms: catch-up after a Redis resubscribe', () => {
  it('delivers what was recorded while the link was down, in order and once, then goes live', async () => {
    const member = new FakeMember();
    await rooms.join(member, CHAT, undefined);
    channelLayer.record(message('before the outage'));
    channelLayer.linkUp = false;
    channelLayer.record(message('missed 1'));
    channelLayer.record(message('missed 2'));
    channelLayer.resubscribe();
    await vi.waitFor(() => expect(member.heard()).toContain('missed 2'));
    channelLayer.record(message('live again'));
    expect(member.heard()).toEqual([
      'subscribed(0)',
      'before the outage',
      'missed 1',
      'missed 2',
      'live again',
    ]);
    expect(member.reconnects).toEqual([]);
  });

  it('holds live events while the catch-up read retries, then delivers them after what it read', async () => {
    const member = new FakeMember();
    await rooms.join(member, CHAT, undefined);
    channelLayer.linkUp = false;
    channelLayer.record(message('missed'));
    let failures = 2;
    const answer = deferred();
    const reading = deferred();
    channelLayer.beforeRead = async () => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('Redis is still loading');
      }
      reading.resolve();
      await answer.promise;
    };
    channelLayer.resubscribe();
    await reading.promise;
    channelLayer.record(message('heard while catching up'));
    expect(member.heard()).toEqual(['subscribed(0)']);
    answer.resolve();
    await vi.waitFor(() => expect(member.heard()).toContain('heard while catching up'));
    expect(member.heard()).toEqual(['subscribed(0)', 'missed', 'heard while catching up']);
    expect(channelLayer.reads).toBe(3);
    expect(member.reconnects).toEqual([]);
  });

  it('sends every live member to reconnect when catch-up keeps failing, instead of leaving a gap', async () => {
    const first = new FakeMember();
    const second = new FakeMember();
    await rooms.join(first, CHAT, undefined);
    await rooms.join(second, CHAT, undefined);
    channelLayer.linkUp = false;
    channelLayer.record(message('lost'));
    channelLayer.beforeRead = () => {
      throw new Error('Redis is down');
    };
    channelLayer.resubscribe();
    await vi.waitFor(() => expect(first.reconnects).toHaveLength(1));
    expect(second.reconnects).toHaveLength(1);
    expect(channelLayer.reads).toBe(9); // the first try and 8 retries
    expect(first.heard()).toEqual(['subscribed(0)']);
  });

  it('catches up a member whose join overlapped the resubscribe, after its replay', async () => {
    const seen = message('seen');
    channelLayer.record(seen);
    channelLayer.record(message('missed'));
    const { member, joined, read } = await joinPausedInItsRead(seen.messageId);
    // The link drops and returns while the replay reads: the event in between is heard by nobody.
    channelLayer.linkUp = false;
    channelLayer.record(message('lost in the outage'));
    channelLayer.resubscribe();
    read.resolve();
    await joined;
    await vi.waitFor(() => expect(member.heard()).toContain('lost in the outage'));
    channelLayer.record(message('live'));
    expect(member.heard()).toEqual(['missed', 'subscribed(1)', 'lost in the outage', 'live']);
  });
});

describe("Rooms: the user's own group", () => {
  const status = (ownerId: string): ChannelEvent => ({
    type: 'conversion.status',
    status: { conversionId: randomUUID(), ownerId, status: 'done', at: new Date().toISOString() },
  });

  it("relays a conversion's status to each of its owner's connections, once per process, until the last leaves", async () => {
    const owner = randomUUID();
    const [first, second] = [new FakeMember(owner), new FakeMember(owner)];
    await rooms.joinUserChannel(first);
    await rooms.joinUserChannel(second);
    expect(channelLayer.subscriberCount(Groups.user(owner))).toBe(1);

    const event = status(owner);
    channelLayer.send(event, Groups.user(owner));
    for (const member of [first, second]) expect(member.frames).toEqual([event]);

    await rooms.leaveUserChannel(first);
    expect(channelLayer.subscriberCount(Groups.user(owner))).toBe(1);
    await rooms.leaveUserChannel(second);
    expect(channelLayer.subscriberCount(Groups.user(owner))).toBe(0);
  });

  it("drops a status about someone else's job even in the user's group, and every other event", async () => {
    const member = new FakeMember();
    await rooms.joinUserChannel(member);
    channelLayer.send(status(randomUUID()), Groups.user(member.userId));
    channelLayer.send({ type: 'chat.typing', chatId: CHAT, userId: SENDER }, Groups.user(member.userId));
    expect(member.frames).toEqual([]);
  });
});
