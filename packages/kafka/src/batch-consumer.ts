import { setTimeout as sleep } from 'node:timers/promises';
import { Consumer, type Message, type MessagesStream, stringDeserializers } from '@platformatic/kafka';
import {
  endSpan,
  extractTraceContext,
  type Logger,
  type Span,
  SpanKind,
  startSpan,
  tracingEnabled,
  withCorrelation,
  withTimeout,
} from '@relay/platform';
import { applyIsolating } from './isolate.ts';
import type { EventProducer } from './producer.ts';

/** A record as the consumer reads it: string key, value and headers. */
export type ConsumedRecord = Message<string, string, string, string>;
type Stream = MessagesStream<string, string, string, string>;

export type Decoded<Event> = { ok: true; event: Event } | { ok: false; reason: string };

/**
 * The handler's "rejected" signal: the events are refused for what they hold, so they fail however
 * often they are tried. The message is the reason written to the dead-letter topic.
 */
export class Rejected extends Error {
  constructor(reason: string, options?: ErrorOptions) {
    super(reason, options);
    this.name = 'Rejected';
  }
}

/** What a service supplies: how a record becomes an event, and what is done with a batch of them. */
export interface BatchHandler<Event> {
  /** The record as an event, or why it is poison (it then goes to the dead-letter topic). */
  decode(record: ConsumedRecord): Decoded<Event>;
  /**
   * Handles the events in one unit of work (a transaction). Throws `Rejected` when they are refused
   * for their content; any other error is an outage, retried for as long as it lasts.
   */
  handle(events: readonly Event[]): Promise<void>;
  /** The id the event carries: each log line about it is written in that correlation scope. */
  correlationId(event: Event): string;
}

/** Optional hooks a service implements with its own metrics. */
export interface BatchConsumerMetrics {
  consumed(records: number): void;
  handled(events: number): void;
  deadLettered(records: number): void;
  retried(): void;
  rejoined(): void;
  /** Called as one handler call starts; the function it returns, as it succeeds. */
  handling(): () => void;
}

/**
 * A fetch returns once `minBytes` are waiting or `maxWaitMs` passed. The default (any byte, at
 * once) is a fetch and a commit per record at a trickle.
 */
export interface FetchWait {
  minBytes: number;
  maxWaitMs: number;
}

export interface BatchConsumerOptions<Event> {
  brokers: string[];
  clientId: string;
  groupId: string;
  topic: string;
  /** Put before `topic` (KAFKA_TOPIC_PREFIX); dead letters take their producer's. */
  topicPrefix?: string | undefined;
  /** Static membership: a restarted member takes its partitions back without waiting out the session. */
  groupInstanceId?: string | undefined;
  batchSize: number;
  fetch?: FetchWait | undefined;
  handler: BatchHandler<Event>;
  /** Where poison records go, with their reason. */
  deadLetters: { producer: EventProducer; topic: string };
  logger: Logger;
  metrics?: BatchConsumerMetrics | undefined;
}

/** One consumer-group membership and its stream; replaced whole when the stream dies. */
interface Session {
  consumer: Consumer<string, string, string, string>;
  stream: Stream;
}

interface EventRecord<Event> {
  record: ConsumedRecord;
  event: Event;
}

/** A record for the dead-letter topic: it does not decode, or the handler rejects its event. */
interface Poison {
  record: ConsumedRecord;
  reason: string;
  correlationId?: string;
}

/** Ends each record's span once its batch is committed; a dead-lettered record's as failed, with why. */
function endRecordSpans(spans: Map<ConsumedRecord, Span>, deadLettered: readonly Poison[]): void {
  for (const { record, reason } of deadLettered) {
    endSpan(spans.get(record), `dead-lettered: ${reason}`);
    spans.delete(record);
  }
  for (const span of spans.values()) endSpan(span);
}

/** Thrown out of a step when its batch is given up (the stream is gone, or the process stops). */
class GaveUp extends Error {}

/** Longer than a session timeout, so a rejoin in progress has time to finish. */
const COMMIT_TIMEOUT_MS = 30_000;

const backoff = (attempt: number) => Math.min(5000, 200 * 2 ** attempt);

/**
 * How often a batch the handler rejects is retried whole before its refused records are isolated:
 * a constraint may fail for a moment (a conflicting writer), a value it cannot hold never passes.
 */
const REJECTED_BATCH_RETRIES = 3;

const isRejected = (error: unknown): error is Rejected => error instanceof Rejected;

/**
 * A consumer-group member that hands batches to a handler: take what the stream has (up to a
 * batch), dead-letter the poison, handle the rest in one call (around any record the handler
 * rejects, which is dead-lettered too), and only then commit the offsets. A crash at any point
 * replays from the last commit, so the handler must be idempotent.
 */
export class BatchConsumer<Event> {
  readonly #options: BatchConsumerOptions<Event>;
  readonly #logger: Logger;
  /** Aborted by stop(): ends every wait (for records, for a retry, for a rejoin). */
  readonly #stopping = new AbortController();
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #session: Session | undefined;

  constructor(options: BatchConsumerOptions<Event>) {
    this.#options = options;
    this.#logger = options.logger.child({ component: options.clientId });
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
    const { clientId, groupId, groupInstanceId, brokers, topic, fetch } = this.#options;
    const consumer = new Consumer({
      groupId,
      clientId,
      bootstrapBrokers: brokers,
      deserializers: stringDeserializers,
      maxWaitTime: fetch?.maxWaitMs ?? 100,
      minBytes: fetch?.minBytes ?? 1,
      sessionTimeout: 20_000,
      heartbeatInterval: 3000,
      ...(groupInstanceId === undefined ? {} : { groupInstanceId }),
    });
    consumer.on('consumer:group:join', ({ assignments }) =>
      this.#logger.info(
        { groupId, partitions: assignments?.flatMap((assignment) => assignment.partitions) ?? [] },
        'consumer joined group',
      ),
    );
    try {
      const stream = await consumer.consume({
        topics: [`${this.#options.topicPrefix ?? ''}${topic}`],
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
      this.#options.metrics?.rejoined();
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
    const buffer: ConsumedRecord[] = [];
    stream.on('data', (record: ConsumedRecord) => {
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
   * Every record of the batch ends handled or dead-lettered, and only then are the offsets
   * committed. Each step is retried until done: skipping would lose records, crashing would only
   * replay them. Gives the batch up, uncommitted, only when its stream is gone or the process
   * stops; whoever reads those partitions next gets it again from the last commit.
   */
  async #handle(batch: ConsumedRecord[], stream: Stream): Promise<boolean> {
    const spans = tracingEnabled() ? this.#recordSpans(batch) : undefined;
    const { events, poison } = this.#decode(batch);
    this.#options.metrics?.consumed(batch.length);
    const untilDone = <T>(step: () => Promise<T>) => this.#untilDone(step, batch.length, stream);
    let refused: Poison[];
    try {
      await untilDone(() => this.#deadLetter(poison));
      refused = await untilDone(this.#applying(events));
      await untilDone(() => this.#deadLetter(refused));
      await untilDone(() => this.#commit(batch));
    } catch (error) {
      if (spans !== undefined)
        for (const span of spans.values()) endSpan(span, 'batch given up; it comes again');
      if (error instanceof GaveUp) return false;
      throw error;
    }
    if (spans !== undefined) endRecordSpans(spans, [...poison, ...refused]);
    if (this.#logger.isLevelEnabled('debug')) this.#logHandled(events, refused);
    return true;
  }

  /**
   * A span per record that carries trace context, child of its producer's span, from receipt to
   * commit: the message's trace goes on through this consumer.
   */
  #recordSpans(batch: readonly ConsumedRecord[]): Map<ConsumedRecord, Span> {
    const spans = new Map<ConsumedRecord, Span>();
    for (const record of batch) {
      const parent = extractTraceContext(record.headers);
      if (parent === undefined) continue;
      const span = startSpan(`process ${record.topic}`, {
        kind: SpanKind.CONSUMER,
        parent,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': record.topic,
          'messaging.destination.partition.id': String(record.partition),
          'messaging.kafka.offset': String(record.offset),
          'messaging.consumer.group.name': this.#options.groupId,
          'messaging.batch.message_count': batch.length,
        },
      });
      if (span !== undefined) spans.set(record, span);
    }
    return spans;
  }

  #decode(batch: readonly ConsumedRecord[]): { events: EventRecord<Event>[]; poison: Poison[] } {
    const events: EventRecord<Event>[] = [];
    const poison: Poison[] = [];
    for (const record of batch) {
      const decoded = this.#options.handler.decode(record);
      if (decoded.ok) events.push({ record, event: decoded.event });
      else poison.push({ record, reason: decoded.reason });
    }
    return { events, poison };
  }

  /** Runs `step` until it succeeds, backing off; GaveUp when the stream or the process ends first. */
  async #untilDone<T>(step: () => Promise<T>, records: number, stream: Stream): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await step();
      } catch (err) {
        this.#options.metrics?.retried();
        this.#logger.error({ err, attempt, records }, 'batch failed; retrying');
        if (stream.destroyed || !(await this.#pause(backoff(attempt)))) throw new GaveUp();
      }
    }
  }

  /**
   * The step that handles the batch's events; resolves to the records the handler rejects. An
   * outage (any error but a rejection) fails the step, to be retried for as long as it lasts:
   * nothing is ever dead-lettered for it. A batch the handler rejects is retried whole a few
   * times, then in parts, so every other record is handled and the rejected ones come back.
   */
  #applying(events: readonly EventRecord<Event>[]): () => Promise<Poison[]> {
    let rejections = 0;
    return async () => {
      if (events.length === 0) return [];
      if (rejections < REJECTED_BATCH_RETRIES) {
        try {
          await this.#apply(events);
          return [];
        } catch (error) {
          if (isRejected(error)) rejections += 1;
          throw error;
        }
      }
      // Its first try is the batch whole once more: the last of the retries.
      const refused = await applyIsolating(events, (part) => this.#apply(part), isRejected);
      return refused.map(({ item: { record, event }, rejection }) => ({
        record,
        reason: rejection.message,
        correlationId: this.#options.handler.correlationId(event),
      }));
    };
  }

  /** One handler call. */
  async #apply(events: readonly EventRecord<Event>[]): Promise<void> {
    const metrics = this.#options.metrics;
    const end = metrics?.handling();
    await this.#options.handler.handle(events.map(({ event }) => event));
    end?.();
    metrics?.handled(events.length);
  }

  async #deadLetter(poison: readonly Poison[]): Promise<void> {
    if (poison.length === 0) return;
    await this.#options.deadLetters.producer.publish(
      poison.map(({ record, reason }) => ({
        topic: this.#options.deadLetters.topic,
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
    this.#options.metrics?.deadLettered(poison.length);
    for (const { record, reason, correlationId } of poison) {
      const log = () =>
        this.#logger.warn(
          { reason, partition: record.partition, offset: String(record.offset) },
          'poison record sent to the dead-letter topic',
        );
      if (correlationId === undefined) log();
      else withCorrelation(correlationId, log);
    }
  }

  /** One debug line per handled record, in the scope of its event's correlation id. */
  #logHandled(events: readonly EventRecord<Event>[], refused: readonly Poison[]): void {
    const rejected = new Set(refused.map(({ record }) => record));
    for (const { record, event } of events) {
      if (rejected.has(record)) continue;
      withCorrelation(this.#options.handler.correlationId(event), () =>
        this.#logger.debug(
          { partition: record.partition, offset: String(record.offset), key: record.key },
          'record handled',
        ),
      );
    }
  }

  /**
   * The last record of each partition carries the commit for everything before it. Bounded in
   * time: a commit parked behind a rejoin that never completes must fail (and be retried or the
   * stream replaced), not stall the loop unseen.
   */
  async #commit(batch: readonly ConsumedRecord[]): Promise<void> {
    const lastByPartition = new Map<string, ConsumedRecord>();
    for (const record of batch) lastByPartition.set(`${record.topic}:${record.partition}`, record);
    await withTimeout(
      Promise.all([...lastByPartition.values()].map((record) => record.commit())),
      COMMIT_TIMEOUT_MS,
      `offset commit did not complete within ${COMMIT_TIMEOUT_MS} ms`,
    );
  }
}
