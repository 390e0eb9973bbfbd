import { ChannelEvent } from '@relay/contracts';
import type { Logger } from '@relay/platform';
import { createRedisClient, type RedisClient } from '@relay/redis';
import { z } from 'zod';

/** A recorded event's place in its group's recent stream (a Redis stream id, `ms-seq`). */
export type Position = string;

/** `position` is set for events sent with `groupSendRecorded`. */
export type GroupSubscriber = (event: ChannelEvent, position: Position | undefined) => void;

export interface RecordedEvent {
  position: Position;
  event: ChannelEvent;
}

export interface ChannelLayerOptions {
  redisUrl: string;
  logger: Logger;
  /** Keeps several deployments (or test runs) on one Redis apart. */
  prefix?: string;
  /** Recorded events kept per group (approximately: trimming is by whole stream nodes). */
  recentLimit?: number;
  /** Idle groups' recent streams and once-keys expire after this. */
  recentTtlSeconds?: number;
}

/** What travels on a group's channel: the event and, for recorded sends, its position. One parse checks both. */
const Wire = z.object({ p: z.string().nullable(), e: ChannelEvent });

/**
 * XADD + SET + PUBLISH in one script, so the stream's order is the order subscribers
 * hear events in, and a send repeated with the same once-key is recorded and heard once.
 * KEYS: stream, once-key, channel. ARGV: event json, max length, ttl seconds.
 * Returns {position, 1 if this call sent it}.
 */
const SEND_RECORDED = `
local existing = redis.call('GET', KEYS[2])
if existing then return {existing, 0} end
local position = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], position, 'EX', ARGV[3])
redis.call('PUBLISH', KEYS[3], '{"p":"' .. position .. '","e":' .. ARGV[1] .. '}')
return {position, 1}
`;

/** The script above, as ioredis exposes it after `defineCommand`. */
type SendRecordedCommand = (...keysThenArgs: string[]) => Promise<[Position, number]>;

/**
 * Orders stream ids numerically (`ms-seq`); plain string order fails across digit counts. Redis
 * writes both parts without leading zeros, so the longer is the larger, and equal lengths compare
 * as strings (called per member per message: no BigInt, no arrays).
 */
export function comparePositions(a: Position, b: Position): number {
  const aDash = a.indexOf('-');
  const bDash = b.indexOf('-');
  return (
    compareDigits(a.slice(0, aDash), b.slice(0, bDash)) ||
    compareDigits(a.slice(aDash + 1), b.slice(bDash + 1))
  );
}

function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Named groups that span processes, like Django Channels' groups: any process
 * sends to a group, every process with a local subscriber in it receives.
 * Plain sends are Redis pub/sub (at most once). Recorded sends also append to a
 * capped per-group stream, so a subscriber that missed some (a reconnecting
 * client, a dropped Redis link) reads them back by position.
 */
export class ChannelLayer {
  readonly #publisher: RedisClient;
  readonly #subscriber: RedisClient;
  readonly #logger: Logger;
  readonly #prefix: string;
  readonly #recentLimit: number;
  readonly #recentTtlSeconds: number;
  readonly #groups = new Map<string, Set<GroupSubscriber>>();
  readonly #resubscribedListeners = new Set<() => void>();
  #subscriberConnectedBefore = false;
  #heldDuringResubscribe: [string, string][] | undefined;

  constructor(options: ChannelLayerOptions) {
    this.#logger = options.logger.child({ component: 'channel-layer' });
    this.#prefix = options.prefix ?? 'relay';
    this.#recentLimit = options.recentLimit ?? 10_000;
    this.#recentTtlSeconds = options.recentTtlSeconds ?? 24 * 60 * 60;
    // Named connections show up in CLIENT LIST, which is how operators (and tests) find them.
    this.#publisher = createRedisClient(options.redisUrl, { name: `${this.#prefix}-publisher` });
    // Resubscribing is done here, awaited, so listeners only hear "resubscribed" once it holds.
    this.#subscriber = createRedisClient(options.redisUrl, {
      name: `${this.#prefix}-subscriber`,
      autoResubscribe: false,
      maxRetriesPerRequest: null,
    });
    this.#publisher.defineCommand('relaySendRecorded', { numberOfKeys: 3, lua: SEND_RECORDED });
    for (const [role, client] of [
      ['publisher', this.#publisher],
      ['subscriber', this.#subscriber],
    ] as const) {
      client.on('error', (err) => this.#logger.warn({ err, role }, 'redis connection error'));
    }
    this.#subscriber.on('ready', () => void this.#onSubscriberReady());
    this.#subscriber.on('message', (channel: string, raw: string) => this.#deliver(channel, raw));
  }

  /** Adds a local subscriber to a group; the first one subscribes this process to its channel. */
  async groupAdd(group: string, subscriber: GroupSubscriber): Promise<void> {
    let subscribers = this.#groups.get(group);
    if (subscribers === undefined) {
      subscribers = new Set();
      this.#groups.set(group, subscribers);
      subscribers.add(subscriber);
      await this.#subscriber.subscribe(this.#channel(group));
      return;
    }
    subscribers.add(subscriber);
  }

  /** Removes a local subscriber; the last one to leave unsubscribes the channel. */
  async groupDiscard(group: string, subscriber: GroupSubscriber): Promise<void> {
    const subscribers = this.#groups.get(group);
    if (subscribers === undefined || !subscribers.delete(subscriber)) return;
    if (subscribers.size === 0) {
      this.#groups.delete(group);
      await this.#subscriber.unsubscribe(this.#channel(group));
    }
  }

  /** Sends to every subscriber of the group in every process; returns how many processes listen. */
  async groupSend(group: string, event: ChannelEvent): Promise<number> {
    const valid = ChannelEvent.parse(event);
    return this.#publisher.publish(this.#channel(group), JSON.stringify({ p: null, e: valid }));
  }

  /**
   * Records the event in the group's recent stream and sends it, atomically. A second call
   * with the same `onceKey` (a retried send) does neither and returns the first position.
   */
  async groupSendRecorded(
    group: string,
    event: ChannelEvent,
    onceKey: string,
  ): Promise<{ position: Position; sent: boolean }> {
    const valid = ChannelEvent.parse(event);
    const publisher = this.#publisher as unknown as { relaySendRecorded: SendRecordedCommand };
    const [position, sent] = await publisher.relaySendRecorded(
      this.#streamKey(group),
      this.#onceKey(onceKey),
      this.#channel(group),
      JSON.stringify(valid),
      String(this.#recentLimit),
      String(this.#recentTtlSeconds),
    );
    return { position, sent: sent === 1 };
  }

  /** Where the send with this once-key was recorded, while the key lives. */
  async positionOf(onceKey: string): Promise<Position | undefined> {
    return (await this.#publisher.get(this.#onceKey(onceKey))) ?? undefined;
  }

  /** The recorded event at a position, if the stream still holds it. */
  async recordedAt(group: string, position: Position): Promise<ChannelEvent | undefined> {
    const entries = await this.#publisher.xrange(this.#streamKey(group), position, position);
    return this.#parseEntries(group, entries)[0]?.event;
  }

  /** The newest recorded position of a group, if any. */
  async latestPosition(group: string): Promise<Position | undefined> {
    const [entry] = await this.#publisher.xrevrange(this.#streamKey(group), '+', '-', 'COUNT', 1);
    return entry?.[0];
  }

  /**
   * Recorded events after `after` (all of them without it), oldest first. `complete` is false
   * when the stream was trimmed past `after`, so some events in between may be gone.
   */
  async recordedSince(
    group: string,
    after: Position | undefined,
  ): Promise<{ events: RecordedEvent[]; complete: boolean }> {
    const key = this.#streamKey(group);
    const entries = await this.#publisher.xrange(key, after === undefined ? '-' : `(${after}`, '+');
    const events = this.#parseEntries(group, entries);
    if (after === undefined) return { events, complete: true };
    const [first] = await this.#publisher.xrange(key, '-', '+', 'COUNT', 1);
    const complete = first === undefined || comparePositions(first[0], after) <= 0;
    return { events, complete };
  }

  /**
   * Called after the subscriber connection came back and every group is subscribed again,
   * before any event heard since; a listener that starts holding live events synchronously
   * can then read the recent streams and miss nothing.
   */
  onResubscribed(listener: () => void): () => void {
    this.#resubscribedListeners.add(listener);
    return () => this.#resubscribedListeners.delete(listener);
  }

  /** Readiness: both connections answer. */
  async ping(): Promise<void> {
    await this.#publisher.ping();
    if (this.#subscriber.status !== 'ready')
      throw new Error(`redis subscriber is ${this.#subscriber.status}`);
  }

  async close(): Promise<void> {
    this.#groups.clear();
    this.#resubscribedListeners.clear();
    await Promise.allSettled([this.#publisher.quit(), this.#subscriber.quit()]);
  }

  #channel(group: string): string {
    return `${this.#prefix}:group:${group}`;
  }

  #streamKey(group: string): string {
    return `${this.#prefix}:recent:${group}`;
  }

  #onceKey(key: string): string {
    return `${this.#prefix}:once:${key}`;
  }

  async #onSubscriberReady(): Promise<void> {
    if (!this.#subscriberConnectedBefore) {
      this.#subscriberConnectedBefore = true;
      return;
    }
    const channels = [...this.#groups.keys()].map((group) => this.#channel(group));
    // Events can arrive in the same read as the SUBSCRIBE reply, before the code after the
    // await runs; they are held until the listeners have prepared to catch up, or a listener
    // would see a new event first and skip everything recorded during the outage.
    this.#heldDuringResubscribe = [];
    try {
      if (channels.length > 0) await this.#subscriber.subscribe(...channels);
    } catch (err) {
      // The connection dropped again; the next 'ready' retries.
      this.#logger.warn({ err }, 'resubscribe failed');
      this.#heldDuringResubscribe = undefined;
      return;
    }
    this.#logger.info({ groups: channels.length }, 'resubscribed after reconnect');
    for (const listener of this.#resubscribedListeners) {
      try {
        listener();
      } catch (err) {
        this.#logger.error({ err }, 'resubscribed listener threw');
      }
    }
    const held = this.#heldDuringResubscribe;
    this.#heldDuringResubscribe = undefined;
    for (const [channel, raw] of held) this.#deliver(channel, raw);
  }

  #parseEntries(group: string, entries: [string, string[]][]): RecordedEvent[] {
    const events: RecordedEvent[] = [];
    for (const [position, fields] of entries) {
      const parsed = ChannelEvent.safeParse(JSON.parse(fields[1] ?? 'null'));
      if (parsed.success) events.push({ position, event: parsed.data });
      else this.#logger.warn({ group, position }, 'skipped a malformed recorded event');
    }
    return events;
  }

  #deliver(channel: string, raw: string): void {
    if (this.#heldDuringResubscribe !== undefined) {
      this.#heldDuringResubscribe.push([channel, raw]);
      return;
    }
    const group = channel.slice(this.#prefix.length + ':group:'.length);
    const subscribers = this.#groups.get(group);
    if (subscribers === undefined) return;
    let event: ChannelEvent;
    let position: Position | undefined;
    try {
      const wire = Wire.parse(JSON.parse(raw));
      event = wire.e;
      position = wire.p ?? undefined;
    } catch (err) {
      this.#logger.warn({ err, group }, 'dropped a malformed channel event');
      return;
    }
    for (const subscriber of subscribers) {
      try {
        subscriber(event, position);
      } catch (err) {
        this.#logger.error({ err, group }, 'group subscriber threw');
      }
    }
  }
}
