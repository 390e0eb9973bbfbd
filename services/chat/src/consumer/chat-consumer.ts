import { setTimeout as sleep } from 'node:timers/promises';
import { Consumer, type Message, type MessagesStream, stringDeserializers } from '@platformatic/kafka';
import { type ChatServiceEvent, CORRELATION_HEADER, Topics } from '@relay/contracts';
import type { EventProducer } from '@relay/kafka';
import { type Logger, withTimeout } from '@relay/platform';
import { type ChatStore, EventsRejected } from '../store/chat-store.ts';
import type { ChatConsumerMetrics } from './consumer.metrics.ts';
import { decodeRecord } from './decode.ts';
import { applyIsolating } from './isolate.ts';

type Record = Message<string, string, string, string>;
type Stream = MessagesStream<string, string, string, string>;

export interface ChatConsumerOptions {
  brokers: string[];
  groupId: string;
  /** `chat_service`; tests give a topic of their own. */
  topic?: string;
  /** Static membership id (see CHAT_CONSUMER_INSTANCE_ID); dynamic membership without it. */
  instanceId?: string | undefined;
  batchSize: number;
  store: ChatStore;
  /** Produces poison records to `chat_service.dlq`. */
  deadLetters: EventProducer;
  logger: Logger;
  metrics?: ChatConsumerMetrics;
}

/** One consumer-group membership and its stream; replaced whole when the stream dies. */
interface Session {
  consumer: Consumer<string, string, string, string>;
  stream: Stream;
}

/** A record that decoded, with its event. */
interface EventRecord {
  record: Record;
  event: ChatServiceEvent;
}

/** A record for the dead-letter topic: it does not decode, or the store refuses its event. */
interface Poison {
  record: Record;
  reason: string;
  /** The event's own, when the record has no correlation header. */
  correlationId?: string;
}

/** Thrown out of a step when its batch is given up (the stream is gone, or the process stops). */
class GaveUp extends Error {}

/** Longer than a session timeout, so a rejoin in progress has time to finish. */
const COMMIT_TIMEOUT_MS = 30_000;

const backoff = (attempt: number) => Math.min(5000, 200 * 2 ** attempt);

/**
 * How often a batch the store rejects is retried whole before its refused records are isolated:
 * a constraint may fail for a moment (a conflicting writer), a value it cannot hold never passes.
 */
const REJECTED_BATCH_RETRIES = 3;

const isRejection = (error: unknown): error is EventsRejected => error instanceof EventsRejected;

function decodeBatch(batch: readonly Record[]): { events: EventRecord[]; poison: Poison[] } {
  const events: EventRecord[] = [];
  const poison: Poison[] = [];
  for (const record of batch) {
    const decoded = decodeRecord(record.value);
    if (decoded.ok) events.push({ record, event: decoded.event });
    else poison.push({ record, reason: decoded.reason });
  }
  return { events, poison };
}

/**
 * chat-consumer's loop: take what the stream has (up to a batch), dead-letter the poison,
 * apply the rest in one store transaction (around any record the store refuses, which is
 * dead-lettered too), and only then commit the offsets. A crash at any point replays from the
 * last commit, and the idempotent inserts make the replay harmless.
 */
export class ChatConsumer {
  readonly #options: ChatConsumerOptions;
  readonly #topic: string;
  readonly #logger: Logger;
  /** Aborted by stop(): ends every wait (for records, for a retry, for a reconnect). */
  readonly #stopping = new AbortController();
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #session: Session | undefined;

  constructor(options: ChatConsumerOptions) {
    this.#options = options;
    this.#topic = options.topic ?? Topics.chat;
    this.#logger = options.logger.child({ component: 'chat-consumer' });
  }

  /** Joins the group; rejects when the broker cannot be reached, so a bad start fails loudly. */
  async start(): Promise<void> {
    const session = await this.#open();
    this.#loop = this.#run(session);
  }

  /** Finishes and commits the batch in hand, leaves the group. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    this.#wake?.();
    await this.#loop;
  }

  /** Readiness: throws while there is no live stream (between losing one and joining again). */
  assertConsuming(): void {
    if (this.#session === undefined || this.#session.stream.destroyed) {
      throw new Error('not consuming: (re)joining the consumer group');
    }
  }

  get #stopped(): boolean {
    return this.#stopping.signal.aborted;
  }

  async #open(): Promise<Session> {
    const { groupId, instanceId, brokers } = this.#options;
    const consumer = new Consumer({
      groupId,
      clientId: 'chat-consumer',
      bootstrapBrokers: brokers,
      deserializers: stringDeserializers,
      maxWaitTime: 100,
      sessionTimeout: 20_000,
      heartbeatInterval: 3000,
      ...(instanceId === undefined ? {} : { groupInstanceId: instanceId }),
    });
    consumer.on('consumer:group:join', ({ assignments }) =>
      this.#logger.info(
        { groupId, partitions: assignments?.flatMap((assignment) => assignment.partitions) ?? [] },
        'consumer joined group',
      ),
    );
    try {
      const stream = await consumer.consume({
        topics: [this.#topic],
        mode: 'committed',
        // A group with no commits yet starts at the beginning: nothing produced before it is skipped.
        fallbackMode: 'earliest',
        autocommit: false,
        // Bounds what one fetch holds in memory; batches are the unit of work anyway.
        maxBytes: 8 * 1024 * 1024,
      });
      return { consumer, stream };
    } catch (error) {
      await consumer.close(true).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Sessions until stop(). The client gives up on a stream after its own retries (broker gone
   * for long, a commit refused by a rebalance); then the group is joined afresh, from the
   * committed offsets, so the process never sits alive but idle.
   */
  async #run(first: Session): Promise<void> {
    let session: Session | undefined = first;
    while (session !== undefined) {
      this.#session = session;
      await this.#drain(session);
      await session.stream.close().catch(() => undefined);
      await session.consumer.close(true).catch(() => undefined);
      if (this.#stopped) return;
      this.#options.metrics?.reconnects.inc();
      this.#logger.error('message stream ended; joining the group again');
      session = await this.#reopen();
    }
  }

  async #reopen(): Promise<Session | undefined> {
    for (let attempt = 0; ; attempt += 1) {
      if (!(await this.#pause(backoff(attempt)))) return undefined;
      try {
        return await this.#open();
      } catch (err) {
        this.#logger.error({ err, attempt }, 'cannot join the group; retrying');
      }
    }
  }

  /** Waits `ms`; false when stop() came first. */
  async #pause(ms: number): Promise<boolean> {
    try {
      await sleep(ms, undefined, { signal: this.#stopping.signal });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Flowing mode with a bounded buffer: the stream only fetches while it flows, so it is paused
   * when two batches are waiting and resumed once the buffer drains. Returns on stop() or when
   * the stream ends; records still buffered then are not committed and come again.
   */
  async #drain({ stream }: Session): Promise<void> {
    const { batchSize } = this.#options;
    const buffer: Record[] = [];
    stream.on('data', (record: Record) => {
      buffer.push(record);
      if (buffer.length >= 2 * batchSize) stream.pause();
      this.#wake?.();
    });
    stream.on('close', () => this.#wake?.());
    stream.on('error', (err) => this.#logger.error({ err }, 'message stream failed'));
    while (!this.#stopped) {
      if (buffer.length === 0) {
        if (stream.destroyed) return;
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
        continue;
      }
      if (!(await this.#handle(buffer.splice(0, batchSize), stream))) return;
      if (stream.isPaused() && buffer.length < batchSize) stream.resume();
    }
  }

  /**
   * Every record of the batch ends applied or dead-lettered, and only then are the offsets
   * committed. Each step is retried until done: skipping would lose messages, crashing would only
   * replay them. Gives the batch up, uncommitted, only when its stream is gone or the process
   * stops; whoever reads those partitions next gets it again from the last commit.
   */
  async #handle(batch: Record[], stream: Stream): Promise<boolean> {
    const { events, poison } = decodeBatch(batch);
    this.#options.metrics?.consumed.inc(batch.length);
    const untilDone = <T>(step: () => Promise<T>) => this.#untilDone(step, batch.length, stream);
    try {
      await untilDone(() => this.#deadLetter(poison));
      const refused = await untilDone(this.#applying(events));
      await untilDone(() => this.#deadLetter(refused));
      await untilDone(() => this.#commit(batch));
      return true;
    } catch (error) {
      if (error instanceof GaveUp) return false;
      throw error;
    }
  }

  /** Runs `step` until it succeeds, backing off; GaveUp when the stream or the process ends first. */
  async #untilDone<T>(step: () => Promise<T>, records: number, stream: Stream): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await step();
      } catch (err) {
        this.#options.metrics?.retries.inc();
        this.#logger.error({ err, attempt, records }, 'batch failed; retrying');
        if (stream.destroyed || !(await this.#pause(backoff(attempt)))) throw new GaveUp();
      }
    }
  }

  /**
   * The step that puts the batch's events in the store; resolves to the records the store
   * refuses. An outage (any error but a rejection) fails the step, to be retried for as long as
   * it lasts: nothing is ever dead-lettered for it. A batch the store rejects is retried whole a
   * few times, then in parts, so every other record goes in and the refused ones come back.
   */
  #applying(events: readonly EventRecord[]): () => Promise<Poison[]> {
    let rejections = 0;
    return async () => {
      if (events.length === 0) return [];
      if (rejections < REJECTED_BATCH_RETRIES) {
        try {
          await this.#apply(events);
          return [];
        } catch (error) {
          if (isRejection(error)) rejections += 1;
          throw error;
        }
      }
      // Its first try is the batch whole once more: the last of the retries.
      const refused = await applyIsolating(events, (part) => this.#apply(part), isRejection);
      return refused.map(({ item: { record, event }, rejection }) => ({
        record,
        reason: `store rejected: ${rejection.message} (${rejection.code})`,
        correlationId: event.correlationId,
      }));
    };
  }

  /** One store transaction. */
  async #apply(events: readonly EventRecord[]): Promise<void> {
    const metrics = this.#options.metrics;
    const end = metrics?.batchSeconds.startTimer();
    await this.#options.store.applyEvents(events.map(({ event }) => event));
    end?.();
    metrics?.applied.inc(events.length);
  }

  async #deadLetter(poison: readonly Poison[]): Promise<void> {
    if (poison.length === 0) return;
    await this.#options.deadLetters.publish(
      poison.map(({ record, reason }) => ({
        topic: Topics.chatDeadLetter,
        key: record.key ?? '',
        value: {
          reason,
          source: { topic: record.topic, partition: record.partition, offset: String(record.offset) },
          key: record.key ?? null,
          value: record.value ?? null,
          headers: Object.fromEntries(record.headers),
          deadLetteredAt: new Date().toISOString(),
        },
      })),
    );
    this.#options.metrics?.deadLettered.inc(poison.length);
    for (const { record, reason, correlationId } of poison) {
      this.#logger.warn(
        {
          reason,
          partition: record.partition,
          offset: String(record.offset),
          correlationId: record.headers.get(CORRELATION_HEADER) ?? correlationId,
        },
        'poison record sent to the dead-letter topic',
      );
    }
  }

  /**
   * The last record of each partition carries the commit for everything before it. Bounded in
   * time: a commit parked behind a rejoin that never completes must fail (and be retried or the
   * stream replaced), not stall the loop unseen.
   */
  async #commit(batch: readonly Record[]): Promise<void> {
    const lastByPartition = new Map<string, Record>();
    for (const record of batch) lastByPartition.set(`${record.topic}:${record.partition}`, record);
    await withTimeout(
      Promise.all([...lastByPartition.values()].map((record) => record.commit())),
      COMMIT_TIMEOUT_MS,
      `offset commit did not complete within ${COMMIT_TIMEOUT_MS} ms`,
    );
  }
}
