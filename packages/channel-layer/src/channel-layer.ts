import { ChannelEvent } from '@relay/contracts';
import type { Logger } from '@relay/platform';
import { Redis } from 'ioredis';

export type GroupSubscriber = (event: ChannelEvent) => void;

export interface ChannelLayerOptions {
  redisUrl: string;
  logger: Logger;
  /** Keeps several deployments (or test runs) on one Redis apart. */
  prefix?: string;
}

/**
 * Named groups that span processes, like Django Channels' groups: any process
 * sends to a group, every process with a local subscriber in it receives.
 * Delivery is Redis pub/sub (at most once); durable history lives in Kafka.
 */
export class ChannelLayer {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #logger: Logger;
  readonly #prefix: string;
  readonly #groups = new Map<string, Set<GroupSubscriber>>();

  constructor(options: ChannelLayerOptions) {
    this.#logger = options.logger.child({ component: 'channel-layer' });
    this.#prefix = options.prefix ?? 'relay';
    const redisOptions = { lazyConnect: false, autoResubscribe: true, maxRetriesPerRequest: 3 };
    // Named connections show up in CLIENT LIST, which is how operators (and tests) find them.
    this.#publisher = new Redis(options.redisUrl, {
      ...redisOptions,
      connectionName: `${this.#prefix}-publisher`,
    });
    this.#subscriber = new Redis(options.redisUrl, {
      ...redisOptions,
      connectionName: `${this.#prefix}-subscriber`,
      maxRetriesPerRequest: null,
    });
    for (const [role, client] of [
      ['publisher', this.#publisher],
      ['subscriber', this.#subscriber],
    ] as const) {
      client.on('error', (err) => this.#logger.warn({ err, role }, 'redis connection error'));
      client.on('ready', () => this.#logger.debug({ role }, 'redis ready'));
    }
    this.#subscriber.on('message', (channel: string, raw: string) => this.#deliver(channel, raw));
  }

  /** Adds a local subscriber to a group; the first one subscribes this process to its channel. */
  async groupAdd(group: string, subscriber: GroupSubscriber): Promise<void> {
    let subscribers = this.#groups.get(group);
    if (subscribers === undefined) {
      subscribers = new Set();
      this.#groups.set(group, subscribers);
      await this.#subscriber.subscribe(this.#channel(group));
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
    return this.#publisher.publish(this.#channel(group), JSON.stringify(valid));
  }

  /** Readiness: both connections answer. */
  async ping(): Promise<void> {
    await this.#publisher.ping();
    if (this.#subscriber.status !== 'ready')
      throw new Error(`redis subscriber is ${this.#subscriber.status}`);
  }

  async close(): Promise<void> {
    this.#groups.clear();
    await Promise.allSettled([this.#publisher.quit(), this.#subscriber.quit()]);
  }

  #channel(group: string): string {
    return `${this.#prefix}:group:${group}`;
  }

  #deliver(channel: string, raw: string): void {
    const group = channel.slice(this.#prefix.length + ':group:'.length);
    const subscribers = this.#groups.get(group);
    if (subscribers === undefined) return;
    let event: ChannelEvent;
    try {
      event = ChannelEvent.parse(JSON.parse(raw));
    } catch (err) {
      this.#logger.warn({ err, group }, 'dropped a malformed channel event');
      return;
    }
    for (const subscriber of subscribers) {
      try {
        subscriber(event);
      } catch (err) {
        this.#logger.error({ err, group }, 'group subscriber threw');
      }
    }
  }
}
