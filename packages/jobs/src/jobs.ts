import { currentCorrelationId, type Logger, withCorrelation } from '@relay/platform';
import { type ConnectionOptions, type JobsOptions, Queue, Worker } from 'bullmq';
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
  payload: unknown;
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
    const envelope: Envelope = {
      correlationId: currentCorrelationId(),
      payload: this.#definition.schema.parse(payload),
    };
    const job = await this.#queue.add(name, envelope, options);
    return job.id ?? '';
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
}

/**
 * Runs `handle` for each job: the payload is parsed with the queue's schema and the
 * producer's correlation id is restored, so the job's logs join the request's.
 */
export function startJobWorker<Schema extends z.ZodType>(
  definition: JobDefinition<Schema>,
  handle: (payload: z.output<Schema>, jobName: string) => Promise<void>,
  options: JobWorkerOptions,
): Worker {
  const logger = options.logger.child({ queue: definition.queue });
  const worker = new Worker(
    definition.queue,
    async (job) => {
      const envelope = job.data as Envelope;
      await withCorrelation(envelope.correlationId, async () => {
        const payload = definition.schema.parse(envelope.payload);
        await handle(payload, job.name);
        logger.info({ jobId: job.id, job: job.name, attempt: job.attemptsMade + 1 }, 'job done');
      });
    },
    { connection: options.connection, prefix: options.prefix, concurrency: options.concurrency ?? 4 },
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
