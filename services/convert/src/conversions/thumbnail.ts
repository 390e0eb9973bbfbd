import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TargetFormat } from '@relay/contracts';
import type { ObjectStorage } from '@relay/object-storage';
import type { Logger } from '@relay/platform';
import sharp from 'sharp';

const run = promisify(execFile);

/** The history shows it in a box this wide; taller pages keep their shape up to twice that. */
const WIDTH = 320;
const MAX_HEIGHT = 2 * WIDTH;
/** Text stays legible at this quality; a page is a few KiB. */
const QUALITY = 70;
/** pdftoppm renders the page's longer side at this many pixels: twice the box, so downscaling smooths it. */
const RENDER_PIXELS = 2 * MAX_HEIGHT;
/** Our own PDF of one page renders in well under a second; a stuck renderer must not hold the job. */
const RENDER_TIMEOUT_MS = 20_000;

/** Results that have a first page to show. Spreadsheets, office files and csv have none. */
const PAGED = new Set<TargetFormat>(['pdf', 'png', 'jpeg', 'webp', 'avif']);

export const thumbnailKey = (id: string) => `conversions/${id}/thumbnail.webp`;

/** The first page of a result as a small WebP image; undefined for a result that has no pages. */
export async function renderThumbnail(resultPath: string, target: TargetFormat): Promise<Buffer | undefined> {
  if (!PAGED.has(target)) return undefined;
  if (target !== 'pdf') return toWebp(resultPath);
  const dir = await mkdtemp(join(tmpdir(), 'relay-thumbnail-'));
  try {
    const prefix = join(dir, 'page');
    await run(
      'pdftoppm',
      ['-f', '1', '-l', '1', '-singlefile', '-png', '-scale-to', String(RENDER_PIXELS), resultPath, prefix],
      { timeout: RENDER_TIMEOUT_MS, killSignal: 'SIGKILL' },
    );
    return await toWebp(`${prefix}.png`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function toWebp(imagePath: string): Promise<Buffer> {
  return sharp(imagePath)
    .resize({ width: WIDTH, height: MAX_HEIGHT, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: QUALITY })
    .toBuffer();
}

/**
 * Renders and stores the result's thumbnail; its key, or null when the result has no pages or the
 * thumbnail could not be made. A thumbnail is a nicety: failing one never fails the conversion.
 */
export async function storeThumbnail(
  { storage, logger }: { storage: ObjectStorage; logger: Logger },
  conversionId: string,
  resultPath: string,
  target: TargetFormat,
): Promise<string | null> {
  try {
    const image = await renderThumbnail(resultPath, target);
    if (image === undefined) return null;
    const key = thumbnailKey(conversionId);
    await storage.put(key, image, 'image/webp');
    return key;
  } catch (err) {
    logger.warn({ err, conversionId, target }, 'the thumbnail could not be made; the result has none');
    return null;
  }
}
