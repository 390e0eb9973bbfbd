import { setTimeout as sleep } from 'node:timers/promises';
import { Consumer, type Message, type MessagesStream, stringDeserializers } from '@platformatic/kafka';
import { type ChatServiceEvent, Topics } from '@relay/contracts';
import type { EventProducer } from '@relay/kafka';
import type { Logger } from '@relay/platform';
import type { ChatStore } from '../store/chat-store.ts';
import { decodeRecord } from './decode.ts';

type Record = Message<string, string, string, string>;

export interface ChatConsumerOptions {
  brokers: string[];
  groupId: string;
  /** Static membership id (see CHAT_CONSUMER_INSTANCE_ID); dynamic membership without it. */
  instanceId?: string | undefined;
  batchSize: number;
  store: ChatStore;
  /** Produces poison records to `chat_service.dlq`. */
  deadLetters: EventProducer;
  logger: Logger;
}

/**
 * chat-consumer's loop: take what the stream has (up to a batch), dead-letter the poison,
 * apply the rest in one store transaction, and only then commit the offsets. A crash at any
 * point replays from the last commit, and the idempotent inserts make the replay harmless.
 */
export class ChatConsumer {
  readonly #options: ChatConsumerOptions;
  readonly #consumer: Consumer<string, string, string, string>;
  readonly #logger: Logger;
  #stream: MessagesStream<string, string, string, string> | undefined;
  #stopping = false;
  readonly #buffer: Record[] = [];
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  applied = 0;
  deadLettered = 0;

  constructor(options: ChatConsumerOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'chat-consumer' });
    this.#consumer = new Consumer({
      groupId: options.groupId,
      clientId: 'chat-consumer',
      bootstrapBrokers: options.brokers,
      deserializers: stringDeserializers,
      maxWaitTime: 100,
      sessionTimeout: 20_000,
      heartbeatInterval: 3000,
      ...(options.instanceId === undefined ? {} : { groupInstanceId: options.instanceId }),
    });
    this.#consumer.on('consumer:group:join', () =>
      this.#logger.info({ groupId: options.groupId }, 'consumer joined group'),
    );
  }

  async start(): Promise<void> {
    this.#stream = await this.#consumer.consume({
      topics: [Topics.chat],
      mode: 'committed',
      // A group with no commits yet starts at the beginning: nothing produced before it is skipped.
      fallbackMode: 'earliest',
      autocommit: false,
      // Bounds what one fetch holds in memory; batches are the unit of work anyway.
      maxBytes: 8 * 1024 * 1024,
    });
    this.#stream.on('error', (err) => this.#logger.error({ err }, 'stream error'));
    this.#loop = this.#run(this.#stream);
  }

  /** Finishes the batch in hand, commits it, leaves the group. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
    await this.#stream?.close().catch(() => undefined);
    await this.#consumer.close(true);
  }

  /**
   * Flowing mode with a bounded buffer: the stream only fetches while it flows, so it is paused
   * when two batches are waiting and resumed once the buffer drains.
   */
  async #run(stream: MessagesStream<string, string, string, string>): Promise<void> {
    const { batchSize } = this.#options;
    stream.on('data', (record: Record) => {
      this.#buffer.push(record);
      if (this.#buffer.length >= 2 * batchSize) stream.pause();
      this.#wake?.();
    });
    stream.on('close', () => this.#wake?.());
    while (!this.#stopping) {
      if (this.#buffer.length === 0) {
        if (stream.destroyed) break;
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
        continue;
      }
      await this.#handle(this.#buffer.splice(0, batchSize));
      if (stream.isPaused() && this.#buffer.length < batchSize) stream.resume();
    }
  }

  /** Retries until the batch is in: skipping would lose messages, crashing would only replay them. */
  async #handle(batch: Record[]): Promise<void> {
    const events: ChatServiceEvent[] = [];
    const poison: { record: Record; reason: string }[] = [];
    for (const record of batch) {
      const decoded = decodeRecord(record.value);
      if (decoded.ok) events.push(decoded.event);
      else poison.push({ record, reason: decoded.reason });
    }
    for (let attempt = 0; ; attempt += 1) {
      try {
        if (poison.length > 0) await this.#deadLetter(poison);
        if (events.length > 0) await this.#options.store.applyEvents(events);
        await this.#commit(batch);
        this.applied += events.length;
        this.deadLettered += poison.length;
        return;
      } catch (err) {
        this.#logger.error({ err, attempt, records: batch.length }, 'batch failed; retrying');
        await sleep(Math.min(5000, 200 * 2 ** attempt));
      }
    }
  }

  async #deadLetter(poison: { record: Record; reason: string }[]): Promise<void> {
    await this.#options.deadLetters.publish(
      poison.map(({ record, reason }) => ({
        topic: Topics.chatDeadLetter,
        key: record.key ?? '',
        value: {
          reason,
          source: { topic: record.topic, partition: record.partition, offset: String(record.offset) },
          key: record.key ?? null,
          value: record.value ?? null,
          deadLetteredAt: new Date().toISOString(),
        },
      })),
    );
    for (const { record, reason } of poison) {
      this.#logger.warn(
        { reason, partition: record.partition, offset: String(record.offset) },
        'poison record sent to the dead-letter topic',
      );
    }
  }

  /** The last record of each partition carries the commit for everything before it. */
  async #commit(batch: Record[]): Promise<void> {
    const lastByPartition = new Map<string, Record>();
    for (const record of batch) lastByPartition.set(`${record.topic}:${record.partition}`, record);
    await Promise.all([...lastByPartition.values()].map((record) => record.commit()));
  }
}
