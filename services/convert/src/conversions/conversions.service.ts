import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { Readable } from 'node:stream';
import type { ChannelLayer } from '@relay/channel-layer';
import {
  CONVERSION_TARGETS,
  type Conversion,
  type ConversionPage,
  type ConversionPageQuery,
  type TargetFormat,
} from '@relay/contracts';
import type { JobQueue } from '@relay/jobs';
import { ObjectNotFound, type ObjectStorage } from '@relay/object-storage';
import type { Logger } from '@relay/platform';
import { inspectUpload } from '../formats/detect.ts';
import type { ArchiveLimits } from '../formats/zip-guard.ts';
import type { convertJob } from './conversion.jobs.ts';
import { checkOptions, type UploadOptions } from './conversion-options.ts';
import { publishStatus, toConversion } from './conversion-status.ts';
import { ConversionErrorCode, conversionError } from './conversions.errors.ts';
import type { ConversionsRepository } from './conversions.repository.ts';
import { type ConversionRow, type StoredSource, sourceKeys } from './conversions.schema.ts';
import type { PasswordVault } from './password-vault.ts';
import { hasPages, makeThumbnail, thumbnailKey } from './thumbnail.ts';

/** An upload as the route hands it over: on local disk, within the size limit. */
export interface UploadedFile {
  path: string;
  name: string;
  bytes: number;
}

/** One upload: its files in the order sent (several only with merge), the target and the options. */
export interface Submission {
  files: readonly UploadedFile[];
  target: TargetFormat;
  options: UploadOptions;
}

export interface ConversionsServiceOptions {
  repository: ConversionsRepository;
  storage: ObjectStorage;
  queue: JobQueue<ReturnType<typeof convertJob>['schema']>;
  channelLayer: ChannelLayer;
  downloadLinkSeconds: number;
  /** Jobs one owner may have queued and converting; more are refused with 429. */
  maxPendingPerOwner: number;
  passwords: PasswordVault;
  archiveLimits?: ArchiveLimits;
  logger: Logger;
}

/** Past the cap a person waits for their own jobs; a small one finishes in seconds. */
const RETRY_PENDING_AFTER_SECONDS = 10;
const tooManyPending = (cap: number) =>
  conversionError(ConversionErrorCode.TooManyConversions, {
    detail: `You have ${cap} conversions queued or converting, as many as one person may; upload more when some are done.`,
    headers: { 'retry-after': String(RETRY_PENDING_AFTER_SECONDS) },
  });

/** The originals' and the result's objects: under the job's random id, known only to its row. */
const sourceKey = (id: string, index: number) =>
  index === 0 ? `conversions/${id}/source` : `conversions/${id}/source.${index + 1}`;
export const resultKey = (id: string, target: TargetFormat) => `conversions/${id}/result.${target}`;

/** convert-api's use cases: take an upload in, list, show, hand out and delete the owner's jobs. */
export class ConversionsService {
  readonly #options: ConversionsServiceOptions;

  constructor(options: ConversionsServiceOptions) {
    this.#options = options;
  }

  /**
   * Every refusal happens before anything is stored: each file is inspected (a bad one is named), the
   * options are checked against the files and the target. Then the originals go to S3, the row is
   * committed and announced, a password is sealed in the vault, and only then is the job queued (a
   * worker must find the row). A job that could not be queued undoes the row, the objects and the
   * password; a process dying in between leaves a `queued` row that the maintenance sweep queues
   * again (`requeueStale`).
   */
  async submit(ownerId: string, upload: Submission): Promise<Conversion> {
    const { repository, storage, queue, logger, passwords } = this.#options;
    const { files, target, options } = upload;
    const inspected = [];
    for (const [index, file] of files.entries()) {
      const inspection = await inspectUpload(file.path, file.name, this.#options.archiveLimits);
      const which = files.length > 1 ? `File ${index + 1} (${file.name}): ` : '';
      if (!inspection.ok) throw conversionError(inspection.code, { detail: `${which}${inspection.detail}` });
      const targets = CONVERSION_TARGETS[inspection.format];
      if (!targets.includes(target)) {
        throw conversionError(ConversionErrorCode.UnsupportedConversion, {
          detail: `${which}A ${inspection.format} file converts to ${targets.join(', ')}; not to ${target}.`,
        });
      }
      inspected.push({ ...file, format: inspection.format, passwordProtected: inspection.passwordProtected });
    }
    checkOptions(inspected, target, options);
    const [first] = inspected;
    if (first === undefined) throw conversionError(ConversionErrorCode.UploadMissing);

    const { maxPendingPerOwner } = this.#options;
    // Checked before storing, and again atomically with the insert.
    if ((await repository.pendingCount(ownerId)) >= maxPendingPerOwner)
      throw tooManyPending(maxPendingPerOwner);

    const id = randomUUID();
    const sources: StoredSource[] = inspected.map((file, index) => ({
      key: sourceKey(id, index),
      name: file.name,
      format: file.format,
      bytes: file.bytes,
      passwordProtected: file.passwordProtected,
    }));
    const keys = sources.map((source) => source.key);
    const discard = async () => {
      await repository.delete(ownerId, id);
      await passwords
        .delete(id)
        .catch((err: unknown) => logger.warn({ err }, 'removing a kept password failed'));
      await storage
        .delete(keys)
        .catch((err: unknown) => logger.warn({ err, keys }, 'removing an orphaned upload failed'));
    };
    const passwordProtected = sources.some((source) => source.passwordProtected);
    try {
      for (const [index, file] of inspected.entries()) {
        await storage.put(keys[index] ?? '', createReadStream(file.path), 'application/octet-stream');
      }
    } catch (error) {
      await discard();
      throw error;
    }
    let row: ConversionRow;
    try {
      const inserted = await repository.insertWithinCap(
        {
          id,
          ownerId,
          sourceName: first.name,
          sourceFormat: first.format,
          sourceBytes: sources.reduce((sum, source) => sum + source.bytes, 0),
          sourceKey: sources[0]?.key ?? '',
          sources,
          passwordProtected,
          target,
          pdfa: options.pdfa ?? null,
          pdfua: options.pdfua,
          pages: options.pages ?? null,
          resultName: resultName(first.name, target),
          // Milliseconds, as the list's cursor carries them (PostgreSQL's now() has microseconds).
          createdAt: new Date(),
        },
        maxPendingPerOwner,
      );
      // Another upload of the same owner took the last place meanwhile.
      if (inserted === undefined) throw tooManyPending(maxPendingPerOwner);
      row = inserted;
      // Before the job exists: a worker's `converting` is then published after `queued` and heard
      // after it (seen otherwise under load: converting, queued, done). If queuing fails, the page
      // heard of a job it will not find in the history, which is the truth.
      await this.#publish(row);
      // Only a protected file needs it; the worker deletes it when the job ends.
      if (passwordProtected && options.password !== undefined) await passwords.put(id, options.password);
      await queue.add('convert', { conversionId: id }, { jobId: id, priority: row.queueTurn });
    } catch (error) {
      await discard();
      throw error;
    }
    return toConversion(row);
  }

  /** Newest first; `before` is the id of the last job of the previous page (one of the caller's own). */
  async page(ownerId: string, query: ConversionPageQuery): Promise<ConversionPage> {
    const cursor = query.before === undefined ? undefined : await this.#owned(ownerId, query.before);
    const rows = await this.#options.repository.page(ownerId, query.limit, cursor);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      conversions: page.map(toConversion),
      nextCursor: rows.length > query.limit && last !== undefined ? last.id : null,
    };
  }

  async get(ownerId: string, id: string): Promise<Conversion> {
    return toConversion(await this.#owned(ownerId, id));
  }

  /** A short-lived link that saves the result under the original's name with the new extension. */
  async downloadUrl(ownerId: string, id: string): Promise<string> {
    const row = await this.#owned(ownerId, id);
    if (row.status !== 'done' || row.resultKey === null) throw conversionError(ConversionErrorCode.NotReady);
    return this.#options.storage.presignedGetUrl(
      row.resultKey,
      this.#options.downloadLinkSeconds,
      row.resultName,
    );
  }

  /** The result's first page as a small WebP image; none for a result without pages. */
  async thumbnail(ownerId: string, id: string): Promise<Readable> {
    const row = await this.#owned(ownerId, id);
    if (row.status !== 'done') {
      throw conversionError(ConversionErrorCode.NotReady, {
        detail: 'The conversion is not done yet: its thumbnail comes with its result.',
      });
    }
    if (!hasPages(row.target as TargetFormat) || row.resultKey === null) {
      throw conversionError(ConversionErrorCode.ThumbnailUnavailable);
    }
    // The retention sweep removes files a moment before it marks the job expired.
    const expired = () =>
      conversionError(ConversionErrorCode.ThumbnailUnavailable, {
        detail: 'The conversion has expired: its files were removed.',
      });
    if (row.thumbnailKey !== null) {
      return this.#options.storage.getStream(row.thumbnailKey).catch((error: unknown) => {
        throw error instanceof ObjectNotFound ? expired() : error;
      });
    }
    // Made the first time it is asked for, so a conversion costs only the conversion.
    const { storage, repository, logger } = this.#options;
    const image = await makeThumbnail(storage, row.resultKey, row.target as TargetFormat).catch(
      (error: unknown) => {
        if (error instanceof ObjectNotFound) throw expired();
        logger.warn({ err: error, conversionId: id }, 'a thumbnail could not be made');
        throw conversionError(ConversionErrorCode.ThumbnailUnavailable, {
          detail: 'A thumbnail of this result could not be made.',
        });
      },
    );
    const key = thumbnailKey(id);
    await storage.put(key, image, 'image/webp');
    if ((await repository.setThumbnail(id, key)) === undefined) {
      await storage.delete([key]);
      throw expired();
    }
    return Readable.from([image]);
  }

  /** Removes the row and its objects; a worker still converting it finds no row and discards its result. */
  async delete(ownerId: string, id: string): Promise<void> {
    const row = await this.#options.repository.delete(ownerId, id);
    if (row === undefined) throw conversionError(ConversionErrorCode.NotFound);
    await this.#options.passwords.delete(row.id);
    await this.#options.storage.delete([
      ...sourceKeys(row),
      resultKey(row.id, row.target as TargetFormat),
      // Whether or not one was made: one may be in the making.
      thumbnailKey(row.id),
    ]);
  }

  async #owned(ownerId: string, id: string) {
    const row = await this.#options.repository.findOwned(ownerId, id);
    if (row === undefined) throw conversionError(ConversionErrorCode.NotFound);
    return row;
  }

  /** The job stands whether or not anyone is watching: a page reads the list when it opens. */
  async #publish(row: Parameters<typeof publishStatus>[1]): Promise<void> {
    await publishStatus(this.#options.channelLayer, row).catch((err: unknown) =>
      this.#options.logger.warn({ err, conversionId: row.id }, 'publishing a status failed'),
    );
  }
}

/** The original's name with the target's extension, as the download is saved. */
function resultName(sourceName: string, target: TargetFormat): string {
  const name = basename(sourceName);
  const stem = name.slice(0, name.length - extname(name).length) || 'converted';
  return `${stem}.${target}`;
}
