import {
  currentCorrelationId,
  extractTraceContext,
  injectTraceContext,
  inSpan,
  type Logger,
  SpanKind,
  type TraceCarrier,
  tracingEnabled,
  withCorrelation,
} from '@relay/platform';
import { type ConnectionOptions, type JobsOptions, Queue, QueueEvents, Worker } from 'bullmq';
import { z } from 'zod';

export const jobsEnv = {
  /** Redis key prefix of every queue; separate deployments (or test runs) on one Redis stay apart. */
  JOBS_PREFIX: z.string().min(1).default('relay-jobs'),
};

export interface JobDefinition<Schema extends z.ZodType> {
  /** The BullMQ queue name. */
  queue: string;
  schema: Schema;
  /** Retries with exponential backoff unless a job overrides them. */
  defaults?: JobsOptions;
}

const RETRY_DEFAULTS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 5000 },
};

interface Envelope {
  correlationId: string | undefined;
  /** W3C trace context of the code that added the job (absent while tracing is off). */
  trace?: TraceCarrier;
  payload: unknown;
}

/** The job's envelope: the caller's correlation id and trace context around the payload. */
export function jobEnvelope(payload: unknown): Envelope {
  const envelope: Envelope = { correlationId: currentCorrelationId(), payload };
  if (tracingEnabled()) {
    const trace: TraceCarrier = {};
    injectTraceContext(trace);
    if (trace.traceparent !== undefined) envelope.trace = trace;
  }
  return envelope;
}

/**
 * Runs `work` as the job's producer left it: in a span continuing the producer's trace (a new
 * one without it), under the producer's correlation id.
 */
export function inJobScope<T>(
  envelope: Envelope,
  name: string,
  queue: string,
  work: () => Promise<T>,
): Promise<T> {
  return inSpan(
    `${queue} process`,
    {
      kind: SpanKind.CONSUMER,
      parent: extractTraceContext(envelope.trace),
      correlationId: envelope.correlationId,
      attributes: {
        'messaging.system': 'bullmq',
        'messaging.destination.name': queue,
        'relay.job.name': name,
      },
    },
    work,
  );
}

/** Typed producer side of a queue: payloads are validated before they reach Redis. */
export class JobQueue<Schema extends z.ZodType> {
  readonly #queue: Queue;
  readonly #definition: JobDefinition<Schema>;

  constructor(definition: JobDefinition<Schema>, connection: ConnectionOptions, prefix: string) {
    this.#definition = definition;
    this.#queue = new Queue(definition.queue, {
      connection,
      prefix,
      defaultJobOptions: { ...RETRY_DEFAULTS, ...definition.defaults },
    });
  }

  async add(name: string, payload: z.input<Schema>, options?: JobsOptions): Promise<string> {
    const envelope = jobEnvelope(this.#definition.schema.parse(payload));
    const job = await this.#queue.add(name, envelope, options);
    return job.id ?? '';
  }

  /** Adds (or moves) a repeating job: one schedule per `name`, however many processes call this. */
  async repeat(name: string, everyMs: number, payload: z.input<Schema>): Promise<void> {
    const envelope: Envelope = { correlationId: undefined, payload: this.#definition.schema.parse(payload) };
    await this.#queue.upsertJobScheduler(name, { every: everyMs }, { name, data: envelope });
  }

  /** For tests and operators: the underlying queue. */
  get queue(): Queue {
    return this.#queue;
  }

  /** Readiness: a real round trip to the queue's Redis. */
  async ping(): Promise<void> {
    await this.#queue.count();
  }

  close(): Promise<void> {
    return this.#queue.close();
  }
}

export interface JobWorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  logger: Logger;
  concurrency?: number;
  /**
   * A job whose worker stops renewing its lock this long (the process was killed) is handed to
   * another worker; stalled jobs are looked for as often. BullMQ's default is 30 s.
   */
  lockDurationMs?: number;
  /** How many times a job may be interrupted that way before it fails. */
  maxStalledCount?: number;
}

/** Which run of its job a handler is in. */
export interface JobAttempt {
  name: string;
  /** 1 on the first run. */
  attempt: number;
  attempts: number;
}

/**
 * Runs `handle` for each job: the payload is parsed with the queue's schema and the
 * producer's correlation id is restored, so the job's logs join the request's.
 */
export function startJobWorker<Schema extends z.ZodType>(
  definition: JobDefinition<Schema>,
  handle: (payload: z.output<Schema>, attempt: JobAttempt) => Promise<void>,
  options: JobWorkerOptions,
): Worker {
  const logger = options.logger.child({ queue: definition.queue });
  const worker = new Worker(
    definition.queue,
    async (job) => {
      const envelope = job.data as Envelope;
      await inJobScope(envelope, job.name, definition.queue, async () => {
        const payload = definition.schema.parse(envelope.payload);
        await handle(payload, {
          name: job.name,
          attempt: job.attemptsMade + 1,
          attempts: job.opts.attempts ?? 1,
        });
        logger.info({ jobId: job.id, job: job.name, attempt: job.attemptsMade + 1 }, 'job done');
      });
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 4,
      // Left out unless given: BullMQ takes an explicit undefined over its defaults, and refuses it.
      ...(options.lockDurationMs === undefined
        ? {}
        : { lockDuration: options.lockDurationMs, stalledInterval: options.lockDurationMs }),
      ...(options.maxStalledCount === undefined ? {} : { maxStalledCount: options.maxStalledCount }),
    },
  );
  worker.on('failed', (job, err) => {
    const envelope = job?.data as Envelope | undefined;
    withCorrelation(envelope?.correlationId, () =>
      logger.warn(
        { err, jobId: job?.id, job: job?.name, attempt: job?.attemptsMade, maxAttempts: job?.opts.attempts },
        'job failed',
      ),
    );
  });
  worker.on('error', (err) => logger.error({ err }, 'worker error'));
  return worker;
}

/**
 * Calls `onFailed` with the job's id and reason whenever a job of the queue fails for good, in
 * whatever process it ran, including a job failed because its workers kept dying (which no
 * handler sees). Runs in every process that listens: `onFailed` must be idempotent.
 */
export function onJobFailed(
  definition: JobDefinition<z.ZodType>,
  onFailed: (jobId: string, reason: string) => Promise<void>,
  options: Pick<JobWorkerOptions, 'connection' | 'prefix' | 'logger'>,
): QueueEvents {
  const events = new QueueEvents(definition.queue, {
    connection: options.connection,
    prefix: options.prefix,
  });
  events.on('failed', ({ jobId, failedReason }) => {
    onFailed(jobId, failedReason).catch((err: unknown) =>
      options.logger.error({ err, jobId, queue: definition.queue }, 'handling a failed job failed'),
    );
  });
  events.on('error', (err) => options.logger.error({ err, queue: definition.queue }, 'queue events error'));
  return events;
}
