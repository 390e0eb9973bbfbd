import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceFormat, TargetFormat } from '@relay/contracts';
import { PDFDocument } from 'pdf-lib';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversionRequest } from '../../src/engines/engine.ts';
import { canReadHeic, createImagesEngine } from '../../src/engines/images.engine.ts';
import { failure, pdfImageCount, pdfPages, scratchDirectory } from './fixtures.ts';

const WIDTH = 120;
const HEIGHT = 80;
/** Left half red, right half blue: a conversion that mangles the picture shows in two pixels. */
const RED = { r: 220, g: 20, b: 30 };
const BLUE = { r: 20, g: 40, b: 210 };

let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
const engine = createImagesEngine({ maxPixels: 1_000_000 });

async function twoColourImage(): Promise<Sharp> {
  const half = await sharp({ create: { width: WIDTH / 2, height: HEIGHT, channels: 3, background: BLUE } })
    .png()
    .toBuffer();
  return sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: RED } }).composite([
    { input: half, left: WIDTH / 2, top: 0 },
  ]);
}

type WrittenFormat = 'png' | 'jpeg' | 'webp' | 'avif' | 'tiff' | 'gif';
const WRITERS: Record<WrittenFormat, (image: Sharp) => Sharp> = {
  png: (image) => image.png(),
  jpeg: (image) => image.jpeg({ quality: 95 }),
  webp: (image) => image.webp({ lossless: true }),
  avif: (image) => image.avif({ lossless: true }),
  tiff: (image) => image.tiff(),
  gif: (image) => image.gif(),
};

const sourceFormats = Object.keys(WRITERS) as WrittenFormat[];
const inputPath = (format: string) => join(scratch.path, `source-${format}`);

beforeAll(async () => {
  scratch = await scratchDirectory();
  for (const format of sourceFormats) {
    await WRITERS[format](await twoColourImage()).toFile(inputPath(format));
  }
});

afterAll(() => scratch?.remove());

const request = (
  sourceFormat: SourceFormat,
  target: TargetFormat,
  name = `${sourceFormat}-to.${target}`,
) => ({
  inputPath: inputPath(sourceFormat),
  sourceFormat,
  target,
  options: {},
  outputPath: join(scratch.path, name),
});

const close = (actual: number, expected: number) => Math.abs(actual - expected) < 40;

async function expectTwoColours(path: string, format: string): Promise<void> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  expect({ format: (await sharp(path).metadata()).format, width: info.width, height: info.height }).toEqual({
    format,
    width: WIDTH,
    height: HEIGHT,
  });
  const pixel = (x: number) => {
    const offset = (HEIGHT / 2) * info.width * info.channels + x * info.channels;
    return { r: data[offset] ?? -1, g: data[offset + 1] ?? -1, b: data[offset + 2] ?? -1 };
  };
  for (const [x, colour] of [
    [WIDTH / 4, RED],
    [(3 * WIDTH) / 4, BLUE],
  ] as const) {
    const seen = pixel(x);
    expect(
      close(seen.r, colour.r) && close(seen.g, colour.g) && close(seen.b, colour.b),
      JSON.stringify(seen),
    ).toBe(true);
  }
}

const OUTPUT_FORMATS = { png: 'png', jpeg: 'jpeg', webp: 'webp', avif: 'heif' } as const;

describe('images engine (sharp, pdf-lib)', () => {
  for (const source of sourceFormats) {
    const targets = (['png', 'jpeg', 'webp', 'avif'] as const).filter((target) => target !== source);
    it(`${source} converts to ${targets.join(', ')} with its picture intact`, async () => {
      for (const target of targets) {
        const conversion = request(source, target);
        await engine.convert(conversion);
        await expectTwoColours(conversion.outputPath, OUTPUT_FORMATS[target]);
      }
    });

    it(`${source} converts to a one-page PDF the size of the image`, async () => {
      const conversion = request(source, 'pdf');
      await engine.convert(conversion);
      expect(await pdfPages(conversion.outputPath)).toBe(1);
      expect(await pdfImageCount(conversion.outputPath)).toBe(1);
      const document = await PDFDocument.load(await readFile(conversion.outputPath));
      expect(document.getPage(0).getSize()).toEqual({ width: WIDTH, height: HEIGHT });
    });
  }

  it('reads HEIC only where sharp was built to, and says so readably otherwise', async () => {
    if (canReadHeic()) {
      await (await twoColourImage()).heif({ compression: 'hevc' }).toFile(inputPath('heic'));
      const conversion = request('heic', 'png');
      await engine.convert(conversion);
      await expectTwoColours(conversion.outputPath, 'png');
    } else {
      await writeFile(inputPath('heic'), 'not decodable here');
      const error = await failure(engine.convert(request('heic', 'png')));
      expect(error.reason).toMatch(/HEIC images cannot be read here/);
      expect(error.retryable).toBe(false);
    }
  });

  it('refuses an image over the pixel limit before decoding it', async () => {
    const small = createImagesEngine({ maxPixels: WIDTH * HEIGHT - 1 });
    const error = await failure(small.convert(request('png', 'jpeg', 'too-large.jpeg')));
    expect(error.reason).toBe(
      `The image is ${WIDTH} × ${HEIGHT} pixels; images up to 0.01 megapixels are converted.`,
    );
    expect(error.retryable).toBe(false);
  });

  it('says a damaged image could not be read', async () => {
    const png = await sharp(inputPath('png')).toBuffer();
    await writeFile(join(scratch.path, 'truncated'), png.subarray(0, png.length / 2));
    const conversion: ConversionRequest = {
      ...request('png', 'webp'),
      inputPath: join(scratch.path, 'truncated'),
    };
    const error = await failure(engine.convert(conversion));
    expect(error.reason).toBe('The file could not be read as a PNG image: it may be damaged or incomplete.');
  });

  it('refuses PDF/A for images instead of producing a plain PDF', async () => {
    const error = await failure(engine.convert({ ...request('png', 'pdf'), options: { pdfa: '2b' } }));
    expect(error.reason).toMatch(/PDF\/A is available for documents/);
  });
});
