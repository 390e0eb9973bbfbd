import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

/**
 * soffice's own handlers print one of these as it aborts: something it was doing (the document it was
 * converting) broke it. An instance killed from outside (out of memory, an operator) prints neither.
 */
const SOFFICE_ABORT = /Fatal exception: Signal \d+|terminate called after throwing/;

export const sofficeAborted = (stderr: string): boolean => SOFFICE_ABORT.test(stderr);

const REMEMBERED = 1000;

/**
 * Documents that made an instance abort, by content (each attempt gets its own copy of the file):
 * the second abort on the same bytes is the document's doing, not bad luck, and is not retried.
 */
export class CrashedDocuments {
  private readonly digests = new Set<string>();

  /** Records one abort; true when these bytes had already made an instance abort. */
  async recordAbort(path: string): Promise<boolean> {
    const digest = await sha256(path);
    if (this.digests.has(digest)) return true;
    this.digests.add(digest);
    if (this.digests.size > REMEMBERED) this.digests.delete(this.digests.values().next().value as string);
    return false;
  }
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
