import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ChannelLayer } from '@relay/channel-layer';
import { type SourceFormat, TARGET_MEDIA_TYPES, type TargetFormat } from '@relay/contracts';
import type { JobAttempt } from '@relay/jobs';
import type { ObjectStorage } from '@relay/object-storage';
import type { Logger } from '@relay/platform';
import { type ConversionEngine, ConversionFailed } from '../engines/engine.ts';
import { publishStatus } from './conversion-status.ts';
import { FailureReason } from './conversions.errors.ts';
import type { ConversionsRepository } from './conversions.repository.ts';
import type { ConversionRow } from './conversions.schema.ts';
import { resultKey } from './conversions.service.ts';
import { storeThumbnail } from './thumbnail.ts';

export interface ConvertJobDeps {
  repository: ConversionsRepository;
  storage: ObjectStorage;
  channelLayer: ChannelLayer;
  engineFor: (source: SourceFormat, target: TargetFormat) => ConversionEngine;
  logger: Logger;
}

/**
 * convert-worker's use case, one job: claim it (`converting`), fetch the original, convert it, store
 * the result, finish it (`done`), telling the owner at each step. A failure the input causes ends the
 * job at once (`failed` with the engine's reason); any other is retried, and the last attempt's
 * failure ends it with a reason too. Running a job twice is harmless: only a pending job is claimed.
 */
export class ConvertJobHandler {
  readonly #deps: ConvertJobDeps;

  constructor(deps: ConvertJobDeps) {
    this.#deps = deps;
  }

  readonly handle = async (
    { conversionId }: { conversionId: string },
    attempt: JobAttempt,
  ): Promise<void> => {
    const { repository } = this.#deps;
    const claimed = await repository.markConverting(conversionId);
    // Deleted, expired or finished meanwhile: nothing left to do.
    if (claimed === undefined) return;
    await this.#publish(claimed);
    if (claimed.passwordProtected) return this.#fail(conversionId, FailureReason.passwordProtected);

    try {
      await this.#convert(claimed);
    } catch (error) {
      if (error instanceof ConversionFailed && !error.retryable)
        return this.#fail(conversionId, error.reason);
      if (attempt.attempt >= attempt.attempts) {
        const reason = error instanceof ConversionFailed ? error.reason : FailureReason.unavailable;
        await this.#fail(conversionId, reason);
      }
      throw error;
    }
  };

  /** For jobs no handler finished: their workers kept dying until the queue gave them up. */
  readonly onGivenUp = async (conversionId: string): Promise<void> => {
    await this.#fail(conversionId, FailureReason.interrupted);
  };

  async #convert(row: ConversionRow): Promise<void> {
    const { repository, storage, engineFor, logger } = this.#deps;
    const target = row.target as TargetFormat;
    const dir = await mkdtemp(join(tmpdir(), 'relay-convert-'));
    try {
      const inputPath = join(dir, `source.${row.sourceFormat}`);
      const outputPath = join(dir, `result.${target}`);
      await pipeline(await storage.getStream(row.sourceKey), createWriteStream(inputPath));
      const engine = engineFor(row.sourceFormat as SourceFormat, target);
      const started = performance.now();
      await engine.convert({
        inputPath,
        outputPath,
        sourceFormat: row.sourceFormat as SourceFormat,
        target,
        options: row.pdfa ? { pdfa: '2b' } : {},
      });
      const key = resultKey(row.id, target);
      const { size } = await stat(outputPath);
      await storage.put(key, createReadStream(outputPath), TARGET_MEDIA_TYPES[target]);
      const thumbnailKey = await storeThumbnail({ storage, logger }, row.id, outputPath, target);
      const done = await repository.markDone(row.id, { key, bytes: size, thumbnailKey });
      if (done === undefined) {
        // Deleted (or expired) while it converted: its result must not outlive it.
        await storage.delete(thumbnailKey === null ? [key] : [key, thumbnailKey]);
        return;
      }
      logger.info(
        {
          conversionId: row.id,
          engine: engine.name,
          ms: Math.round(performance.now() - started),
          bytes: size,
        },
        'conversion done',
      );
      await this.#publish(done);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async #fail(conversionId: string, reason: string): Promise<void> {
    const failed = await this.#deps.repository.markFailed(conversionId, reason);
    if (failed !== undefined) await this.#publish(failed);
  }

  async #publish(row: ConversionRow): Promise<void> {
    await publishStatus(this.#deps.channelLayer, row).catch((err: unknown) =>
      this.#deps.logger.warn({ err, conversionId: row.id }, 'publishing a status failed'),
    );
  }
}
