import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, rgb } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderThumbnail } from './thumbnail.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'thumbnail-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A PDF of blank pages `[width, height]`, with a black square filling the middle of those in `inked`. */
async function pdf(name: string, pages: [number, number][], inked: number[]): Promise<string> {
  const document = await PDFDocument.create();
  pages.forEach(([width, height], index) => {
    const page = document.addPage([width, height]);
    if (inked.includes(index))
      page.drawRectangle({
        x: width / 4,
        y: height / 4,
        width: width / 2,
        height: height / 2,
        color: rgb(0, 0, 0),
      });
  });
  const path = join(dir, name);
  await writeFile(path, await document.save());
  return path;
}

async function decoded(image: Buffer | undefined) {
  if (image === undefined) throw new Error('no thumbnail');
  const { format, width, height } = await sharp(image).metadata();
  const { channels } = await sharp(image).stats();
  return { format, width, height, darkest: Math.min(...channels.slice(0, 3).map((channel) => channel.min)) };
}

const A4: [number, number] = [595, 842];

describe('renderThumbnail', () => {
  it('renders the first page of a PDF, not another, as WebP 320 px wide', async () => {
    const firstInked = await decoded(await renderThumbnail(await pdf('first.pdf', [A4, A4], [0]), 'pdf'));
    expect(firstInked).toMatchObject({ format: 'webp', width: 320 });
    expect(firstInked.height).toBeGreaterThan(440);
    expect(firstInked.height).toBeLessThan(460);
    expect(firstInked.darkest).toBeLessThan(30);
    // The second page inked, the first blank: the thumbnail is blank.
    const secondInked = await decoded(await renderThumbnail(await pdf('second.pdf', [A4, A4], [1]), 'pdf'));
    expect(secondInked.darkest).toBeGreaterThan(240);
  });

  it('keeps a landscape page 320 px wide and a very tall one within 640 px high', async () => {
    const landscape = await decoded(await renderThumbnail(await pdf('wide.pdf', [[842, 595]], [0]), 'pdf'));
    // 842 × 595 points at 320 px wide is 226.1 px high; the render's own rounding may make it 227.
    expect(landscape.width).toBe(320);
    expect(landscape.height).toBeGreaterThanOrEqual(226);
    expect(landscape.height).toBeLessThanOrEqual(227);
    const tall = await decoded(await renderThumbnail(await pdf('tall.pdf', [[200, 2000]], [0]), 'pdf'));
    expect(tall.height).toBe(640);
    expect(tall.width).toBe(64);
  });

  it('resizes an image result, never enlarging a small one', async () => {
    const png = (width: number, height: number) =>
      sharp({ create: { width, height, channels: 3, background: { r: 200, g: 10, b: 10 } } })
        .png()
        .toBuffer();
    const large = join(dir, 'large.png');
    await writeFile(large, await png(1600, 800));
    expect(await decoded(await renderThumbnail(large, 'png'))).toMatchObject({
      format: 'webp',
      width: 320,
      height: 160,
    });
    const small = join(dir, 'small.png');
    await writeFile(small, await png(100, 40));
    expect(await decoded(await renderThumbnail(small, 'png'))).toMatchObject({ width: 100, height: 40 });
  });

  it('makes none for results without pages', async () => {
    const csv = join(dir, 'table.csv');
    await writeFile(csv, 'a,b\n1,2\n');
    for (const target of ['csv', 'docx', 'odt', 'xlsx', 'ods', 'pptx', 'odp'] as const)
      expect(await renderThumbnail(csv, target)).toBeUndefined();
  });

  it('rejects a file that is no PDF (the caller logs it and stores none)', async () => {
    const broken = join(dir, 'broken.pdf');
    await writeFile(broken, '%PDF-1.7 this is not a PDF at all');
    await expect(renderThumbnail(broken, 'pdf')).rejects.toThrow();
  });
});
