import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { TargetFormat } from '@relay/contracts';
import type { ObjectStorage } from '@relay/object-storage';
import sharp from 'sharp';

const run = promisify(execFile);

/** The history shows it in a box this wide; taller pages keep their shape up to twice that. */
const WIDTH = 320;
const MAX_HEIGHT = 2 * WIDTH;
/** Text stays legible at this quality; a page is a few KiB. */
const QUALITY = 70;
/**
 * pdftoppm renders the page this wide: twice the box, so downscaling smooths it. Width, not the longer
 * side: an A4 page is then 0.6 megapixels, not the 1.2 that a 1280-pixel longer side took.
 */
const RENDER_WIDTH = 2 * WIDTH;
/** Our own PDF of one page renders in well under a second; a stuck renderer must not hold the job. */
const RENDER_TIMEOUT_MS = 20_000;

/** Results that have a first page to show. Spreadsheets, office files and csv have none. */
const PAGED = new Set<TargetFormat>(['pdf', 'png', 'jpeg', 'webp', 'avif']);
export const hasPages = (target: TargetFormat): boolean => PAGED.has(target);

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
      [
        ...['-f', '1', '-l', '1', '-singlefile', '-png'],
        ...['-scale-to-x', String(RENDER_WIDTH), '-scale-to-y', '-1'],
        ...[resultPath, prefix],
      ],
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

/** Renders the first page of the stored result at `resultKey` (fetched to a scratch file). */
export async function makeThumbnail(
  storage: ObjectStorage,
  resultKey: string,
  target: TargetFormat,
): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-thumbnail-source-'));
  try {
    const resultPath = join(dir, `result.${target}`);
    await pipeline(await storage.getStream(resultKey), createWriteStream(resultPath));
    const image = await renderThumbnail(resultPath, target);
    if (image === undefined) throw new Error(`a ${target} result has no page to show`);
    return image;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
