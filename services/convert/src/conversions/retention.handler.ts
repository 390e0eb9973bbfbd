import type { ChannelLayer } from '@relay/channel-layer';
import type { ObjectStorage } from '@relay/object-storage';
import type { Logger } from '@relay/platform';
import { publishStatus } from './conversion-status.ts';
import type { ConversionsRepository } from './conversions.repository.ts';

export interface RetentionDeps {
  repository: ConversionsRepository;
  storage: ObjectStorage;
  channelLayer: ChannelLayer;
  retentionMs: number;
  logger: Logger;
}

const BATCH = 100;

/**
 * The scheduled sweep: jobs older than the retention period lose both files and say `expired`.
 * Files go first: a sweep that stops half-way leaves rows to sweep again, never files no row knows.
 */
export async function expireConversions(deps: RetentionDeps): Promise<number> {
  const cutoff = new Date(Date.now() - deps.retentionMs);
  let expired = 0;
  for (;;) {
    const due = await deps.repository.dueForExpiry(cutoff, BATCH);
    if (due.length === 0) break;
    await deps.storage.delete(
      due.flatMap((row) => [row.sourceKey, ...(row.resultKey === null ? [] : [row.resultKey])]),
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
