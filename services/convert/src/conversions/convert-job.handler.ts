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
import { type ConversionEngine, ConversionFailed, type ConversionOptions } from '../engines/engine.ts';
import { publishStatus } from './conversion-status.ts';
import { FailureReason } from './conversions.errors.ts';
import type { ConversionsRepository } from './conversions.repository.ts';
import { type ConversionRow, rowSources } from './conversions.schema.ts';
import { resultKey } from './conversions.service.ts';
import { convertAndMerge } from './merge.ts';
import type { PasswordVault } from './password-vault.ts';

export interface ConvertJobDeps {
  repository: ConversionsRepository;
  storage: ObjectStorage;
  channelLayer: ChannelLayer;
  engineFor: (source: SourceFormat, target: TargetFormat) => ConversionEngine;
  /** Protected uploads' passwords, deleted here once their job ends. */
  passwords: PasswordVault;
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
    const password = claimed.passwordProtected ? await this.#deps.passwords.get(conversionId) : undefined;
    if (claimed.passwordProtected && password === undefined) {
      return this.#fail(conversionId, FailureReason.passwordProtected);
    }

    try {
      await this.#convert(claimed, password);
    } catch (error) {
      if (error instanceof ConversionFailed && !error.retryable)
        return this.#fail(conversionId, error.reason);
      if (attempt.attempt >= attempt.attempts) {
        const reason = error instanceof ConversionFailed ? error.reason : FailureReason.unavailable;
        await this.#fail(conversionId, reason);
      }
      throw error;
    }
    await this.#forgetPassword(claimed);
  };

  /** For jobs no handler finished: their workers kept dying until the queue gave them up. */
  readonly onGivenUp = async (conversionId: string): Promise<void> => {
    await this.#fail(conversionId, FailureReason.interrupted);
  };

  /** What the owner asked for, as the engine takes it; the password only for a protected file. */
  static engineOptions(row: ConversionRow, password: string | undefined): ConversionOptions {
    const options: ConversionOptions = {};
    if (row.pdfa !== null) options.pdfa = row.pdfa;
    if (row.pdfua) options.pdfua = true;
    if (row.pages !== null) options.pages = row.pages;
    if (password !== undefined && row.passwordProtected) options.password = password;
    return options;
  }

  async #convert(row: ConversionRow, password: string | undefined): Promise<void> {
    const { repository, storage, engineFor, logger } = this.#deps;
    const target = row.target as TargetFormat;
    const dir = await mkdtemp(join(tmpdir(), 'relay-convert-'));
    try {
      const outputPath = join(dir, `result.${target}`);
      const inputs = await Promise.all(
        rowSources(row).map(async (source, index) => {
          const inputPath = join(dir, `source-${index + 1}.${source.format}`);
          await pipeline(await storage.getStream(source.key), createWriteStream(inputPath));
          return { ...source, inputPath, sourceFormat: source.format as SourceFormat };
        }),
      );
      const started = performance.now();
      const [only] = inputs;
      let engineName: string;
      if (inputs.length === 1 && only !== undefined) {
        const engine = engineFor(only.sourceFormat, target);
        engineName = engine.name;
        await engine.convert({
          inputPath: only.inputPath,
          outputPath,
          sourceFormat: only.sourceFormat,
          target,
          options: ConvertJobHandler.engineOptions(row, only.passwordProtected ? password : undefined),
        });
      } else {
        engineName = 'merge';
        await convertAndMerge({
          parts: inputs.map((input) => ({
            inputPath: input.inputPath,
            sourceFormat: input.sourceFormat,
            name: input.name,
            ...(input.passwordProtected && password !== undefined ? { password } : {}),
          })),
          ...(row.pages === null ? {} : { pages: row.pages }),
          outputPath,
          workDir: dir,
          engineFor,
        });
      }
      const key = resultKey(row.id, target);
      const { size } = await stat(outputPath);
      await storage.put(key, createReadStream(outputPath), TARGET_MEDIA_TYPES[target]);
      const done = await repository.markDone(row.id, { key, bytes: size });
      if (done === undefined) {
        // Deleted (or expired) while it converted: its result must not outlive it.
        await storage.delete([key]);
        return;
      }
      logger.info(
        {
          conversionId: row.id,
          engine: engineName,
          files: inputs.length,
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
    await this.#forgetPassword({ id: conversionId, passwordProtected: true });
  }

  /** The job has ended: its password (if one was kept) goes too. A failure here is the TTL's to mend. */
  async #forgetPassword(row: Pick<ConversionRow, 'id' | 'passwordProtected'>): Promise<void> {
    if (!row.passwordProtected) return;
    await this.#deps.passwords
      .delete(row.id)
      .catch((err: unknown) =>
        this.#deps.logger.warn({ err, conversionId: row.id }, 'removing a password failed'),
      );
  }

  async #publish(row: ConversionRow): Promise<void> {
    await publishStatus(this.#deps.channelLayer, row).catch((err: unknown) =>
      this.#deps.logger.warn({ err, conversionId: row.id }, 'publishing a status failed'),
    );
  }
}
