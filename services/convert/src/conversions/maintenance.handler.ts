import type { ChannelLayer } from '@relay/channel-layer';
import type { JobQueue } from '@relay/jobs';
import type { ObjectStorage } from '@relay/object-storage';
import type { Logger } from '@relay/platform';
import type { convertJob } from './conversion.jobs.ts';
import { publishStatus } from './conversion-status.ts';
import type { ConversionsRepository } from './conversions.repository.ts';
import { sourceKeys } from './conversions.schema.ts';
import { thumbnailKey } from './thumbnail.ts';

export interface MaintenanceDeps {
  repository: ConversionsRepository;
  storage: ObjectStorage;
  channelLayer: ChannelLayer;
  retentionMs: number;
  queue: JobQueue<ReturnType<typeof convertJob>['schema']>;
  logger: Logger;
}

const BATCH = 100;

/**
 * The scheduled sweep: jobs older than the retention period lose their files and say `expired`.
 * Files go first: a sweep that stops half-way leaves rows to sweep again, never files no row knows.
 */
export async function expireConversions(deps: Omit<MaintenanceDeps, 'queue'>): Promise<number> {
  const cutoff = new Date(Date.now() - deps.retentionMs);
  let expired = 0;
  for (;;) {
    const due = await deps.repository.dueForExpiry(cutoff, BATCH);
    if (due.length === 0) break;
    await deps.storage.delete(
      due.flatMap((row) =>
        // The thumbnail's key whether or not one was made: one may be made while this runs.
        [...sourceKeys(row), row.resultKey, thumbnailKey(row.id)].filter(
          (key): key is string => key !== null,
        ),
      ),
    );
    const rows = await deps.repository.markExpired(due.map((row) => row.id));
    for (const row of rows) {
      await publishStatus(deps.channelLayer, row).catch((err: unknown) =>
        deps.logger.warn({ err, conversionId: row.id }, 'publishing a status failed'),
      );
    }
    expired += rows.length;
    if (due.length < BATCH) break;
  }
  if (expired > 0) deps.logger.info({ expired }, 'expired conversions removed');
  return expired;
}

/** A job queued this long ago that no worker has claimed may never have reached the queue. */
export const REQUEUE_AFTER_MS = 60_000;

/**
 * Queues again the jobs left `queued` past REQUEUE_AFTER_MS: convert-api died between committing the
 * row and queuing it, or Redis lost the job. The job id is the conversion id, so a job still waiting
 * is not queued twice; a job run twice is harmless (only a pending one is claimed).
 */
export async function requeueStale(
  deps: Pick<MaintenanceDeps, 'repository' | 'queue' | 'logger'>,
): Promise<number> {
  const stale = await deps.repository.queuedSince(new Date(Date.now() - REQUEUE_AFTER_MS), 500);
  for (const row of stale)
    await deps.queue.add('convert', { conversionId: row.id }, { jobId: row.id, priority: row.queueTurn });
  if (stale.length > 0) deps.logger.warn({ requeued: stale.length }, 'queued conversions queued again');
  return stale.length;
}
