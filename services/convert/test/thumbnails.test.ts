import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ChannelLayer } from '@relay/channel-layer';
import { type ChannelEvent, type Conversion, Groups } from '@relay/contracts';
import { ObjectStorage, objectStorageOptions } from '@relay/object-storage';
import { createLogger } from '@relay/platform';
import { TestTokenIssuer } from '@relay/testing';
import { Queue } from 'bullmq';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConvertService, type ConvertProcess, migrateConvert } from '../src/app.ts';
import { type ConvertConfig, loadConvertConfig } from '../src/config.ts';
import { thumbnailKey } from '../src/conversions/thumbnail.ts';
import { buildConvertWorker } from '../src/worker-app.ts';
import { buildZip } from './fixtures/zip-writer.ts';

const run = promisify(execFile);
const FIXTURES = join(import.meta.dirname, 'fixtures/formats');
const logger = createLogger({ name: 'thumbnails-test', level: 'silent' });
const prefix = `thumbnails-test-${randomUUID().slice(0, 8)}`;
/** Where a person can look at what the test saw (the docx's first page). */
const LOOK_AT = join(tmpdir(), 'relay-thumbnail-two-pages-docx.png');

let issuer: TestTokenIssuer;
let config: ConvertConfig;
let api: ConvertProcess;
let worker: ConvertProcess;
let baseUrl: string;
let channelLayer: ChannelLayer;
let storage: ObjectStorage;
/** A convert-api whose jobs go to a queue no worker takes: they stay queued. */
let idle: ConvertProcess;
let idleUrl: string;
let scratch: string;

beforeAll(async () => {
  issuer = await TestTokenIssuer.start();
  config = loadConvertConfig({
    ...process.env,
    GATEWAY_JWKS_URL: issuer.jwksUrl,
    JOBS_PREFIX: prefix,
    CHANNEL_LAYER_PREFIX: prefix,
    CONVERT_POOL_SIZE: '1',
  });
  await migrateConvert(config);
  api = await buildConvertService(config, logger);
  baseUrl = await api.http.listen({ host: '127.0.0.1', port: 0 });
  worker = await buildConvertWorker(config, logger);
  channelLayer = new ChannelLayer({ redisUrl: config.REDIS_URL, prefix, logger });
  storage = new ObjectStorage(objectStorageOptions(config));
  idle = await buildConvertService({ ...config, JOBS_PREFIX: `${prefix}-idle` }, logger);
  idleUrl = await idle.http.listen({ host: '127.0.0.1', port: 0 });
  scratch = await mkdtemp(join(tmpdir(), 'thumbnails-test-'));
}, 120_000);

afterAll(async () => {
  for (const step of worker?.shutdownSteps ?? []) await step.close();
  for (const step of api?.shutdownSteps ?? []) await step.close();
  const queue = new Queue('convert', { connection: { url: config.REDIS_URL }, prefix });
  await queue.obliterate({ force: true });
  await queue.close();
  await channelLayer?.close();
  for (const step of idle?.shutdownSteps ?? []) await step.close();
  const idleQueue = new Queue('convert', { connection: { url: config.REDIS_URL }, prefix: `${prefix}-idle` });
  await idleQueue.obliterate({ force: true });
  await idleQueue.close();
  storage?.close();
  await issuer?.close();
  await rm(scratch, { recursive: true, force: true });
}, 60_000);

const auth = async (owner: string) => ({ authorization: `Bearer ${await issuer.tokenFor(owner)}` });

const RELS =
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';
const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
/** A huge word on the left, a page break, a huge word on the right: two pages a look tells apart. */
const big = (text: string, align: string) =>
  `<w:p><w:pPr><w:jc w:val="${align}"/></w:pPr><w:r><w:rPr><w:b/><w:sz w:val="240"/></w:rPr><w:t>${text}</w:t></w:r></w:p>`;
const twoPageDocx = () =>
  buildZip([
    { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    { name: '_rels/.rels', data: Buffer.from(RELS) },
    {
      name: 'word/document.xml',
      data: Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${big('ONE', 'left')}<w:p><w:r><w:br w:type="page"/></w:r></w:p>${big('TWO', 'right')}${big('TWO', 'right')}</w:body></w:document>`,
      ),
    },
  ]);

/** Uploads a file (or a fixture, by name) as `owner`, waits until it ends; the job and the statuses its owner heard. */
async function convert(owner: string, file: Buffer | string, name: string, target: string) {
  const heard: ChannelEvent[] = [];
  const listener = (event: ChannelEvent) => heard.push(event);
  await channelLayer.groupAdd(Groups.user(owner), listener);
  try {
    const form = new FormData();
    form.set('target', target);
    const bytes = typeof file === 'string' ? await readFile(join(FIXTURES, file)) : file;
    form.set('file', new Blob([new Uint8Array(bytes)]), name);
    const response = await fetch(`${baseUrl}/conversions`, {
      method: 'POST',
      headers: await auth(owner),
      body: form,
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as Conversion;
    const statuses = () =>
      heard.flatMap((event) =>
        event.type === 'conversion.status' && event.status.conversionId === id ? [event.status] : [],
      );
    await expect.poll(() => statuses().at(-1)?.status, { timeout: 60_000 }).toMatch(/^(done|failed)$/);
    const job = (await (
      await fetch(`${baseUrl}/conversions/${id}`, { headers: await auth(owner) })
    ).json()) as Conversion;
    return { id, job, done: statuses().at(-1) };
  } finally {
    await channelLayer.groupDiscard(Groups.user(owner), listener);
  }
}

const thumbnailOf = async (owner: string, id: string) =>
  fetch(`${baseUrl}/conversions/${id}/thumbnail`, { headers: await auth(owner) });

async function problemOf(response: Response) {
  return { status: response.status, code: ((await response.json()) as { code?: string }).code };
}

/** How far apart two images are, 0–255 on average per pixel, at the thumbnail's size in grey. */
async function distance(a: Buffer, b: Buffer, width: number, height: number): Promise<number> {
  const grey = (image: Buffer) =>
    sharp(image)
      .flatten({ background: '#fff' })
      .resize(width, height, { fit: 'fill' })
      .greyscale()
      .raw()
      .toBuffer();
  const [x, y] = await Promise.all([grey(a), grey(b)]);
  let sum = 0;
  for (let i = 0; i < x.length; i += 1) sum += Math.abs((x[i] ?? 0) - (y[i] ?? 0));
  return sum / x.length;
}

describe('thumbnails', () => {
  it('a docx → pdf result has a WebP thumbnail ≤ 320 px wide of its first page, announced when done', async () => {
    const owner = randomUUID();
    const { id, job, done } = await convert(owner, twoPageDocx(), 'two pages.docx', 'pdf');
    expect(job.status).toBe('done');
    expect(job.thumbnailPath).toBe(`/api/conversions/${id}/thumbnail`);
    expect(done?.thumbnailPath).toBe(`/api/conversions/${id}/thumbnail`);
    // Made when first asked for, not by the conversion.
    expect(await storage.listKeys(`conversions/${id}/`)).not.toContain(thumbnailKey(id));

    const response = await thumbnailOf(owner, id);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
    expect(response.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    const image = Buffer.from(await response.arrayBuffer());
    const metadata = await sharp(image).metadata();
    expect(metadata.format).toBe('webp');
    expect(metadata.width).toBeLessThanOrEqual(320);
    expect(metadata.width).toBeGreaterThan(200);
    expect(image.length).toBeLessThan(40 * 1024);
    // Text on the page: some pixels are dark, not all white.
    const { channels } = await sharp(image).stats();
    expect(Math.min(...channels.slice(0, 3).map((channel) => channel.min))).toBeLessThan(128);
    await sharp(image).png().toFile(LOOK_AT);
    // Kept: the next answer is the stored image.
    expect(await storage.getBuffer(thumbnailKey(id))).toEqual(image);
    expect(Buffer.from(await (await thumbnailOf(owner, id)).arrayBuffer())).toEqual(image);

    // The first page, not the second: it looks like page 1 of the result as poppler draws it.
    const pdf = join(scratch, `${id}.pdf`);
    await writeFile(pdf, await storage.getBuffer(`conversions/${id}/result.pdf`));
    await run('pdftoppm', ['-f', '1', '-l', '2', '-png', '-r', '40', pdf, join(scratch, id)]);
    const [page1, page2] = await Promise.all(
      ['1', '2'].map((page) => readFile(join(scratch, `${id}-${page}.png`))),
    );
    const { width = 0, height = 0 } = metadata;
    const fromPage1 = await distance(image, page1 as Buffer, width, height);
    const fromPage2 = await distance(image, page2 as Buffer, width, height);
    expect(fromPage1).toBeLessThan(fromPage2 / 3);
  });

  it('an image → png result has one, sized down from the image itself', async () => {
    const owner = randomUUID();
    const { id, job } = await convert(owner, 'sample.jpeg', 'sample.jpeg', 'png');
    expect(job.thumbnailPath).toBe(`/api/conversions/${id}/thumbnail`);
    const response = await thumbnailOf(owner, id);
    expect(response.status).toBe(200);
    const image = Buffer.from(await response.arrayBuffer());
    const source = await sharp(join(FIXTURES, 'sample.jpeg')).metadata();
    const metadata = await sharp(image).metadata();
    expect(metadata.format).toBe('webp');
    expect(metadata.width).toBe(Math.min(320, source.width));
  });

  it('a docx → odt result has none: thumbnailPath null, and the route says thumbnail_unavailable', async () => {
    const owner = randomUUID();
    const { id, job } = await convert(owner, 'sample.docx', 'sample.docx', 'odt');
    expect(job).toMatchObject({ status: 'done', thumbnailPath: null });
    expect(await storage.listKeys(`conversions/${id}/`)).not.toContain(thumbnailKey(id));
    expect(await problemOf(await thumbnailOf(owner, id))).toEqual({
      status: 404,
      code: 'thumbnail_unavailable',
    });
  });

  it('is the owner’s only: another user and an unknown id get 404 conversion_not_found', async () => {
    const owner = randomUUID();
    const { id } = await convert(owner, 'sample.jpeg', 'sample.jpeg', 'png');
    expect(await problemOf(await thumbnailOf(randomUUID(), id))).toEqual({
      status: 404,
      code: 'conversion_not_found',
    });
    expect(await problemOf(await thumbnailOf(owner, randomUUID()))).toEqual({
      status: 404,
      code: 'conversion_not_found',
    });
    expect((await fetch(`${baseUrl}/conversions/${id}/thumbnail`)).status).toBe(401);
  });

  it('answers 409 conversion_not_ready before the job is done', async () => {
    const owner = randomUUID();
    const form = new FormData();
    form.set('target', 'png');
    form.set(
      'file',
      new Blob([new Uint8Array(await readFile(join(FIXTURES, 'sample.jpeg')))]),
      'waiting.jpeg',
    );
    const uploaded = await fetch(`${idleUrl}/conversions`, {
      method: 'POST',
      headers: await auth(owner),
      body: form,
    });
    expect(uploaded.status).toBe(202);
    const { id, thumbnailPath } = (await uploaded.json()) as Conversion;
    expect(thumbnailPath).toBeNull();
    const answer = await thumbnailOf(owner, id);
    expect(answer.status).toBe(409);
    expect(await answer.json()).toMatchObject({
      code: 'conversion_not_ready',
      detail: expect.stringMatching(/not done/),
    });
    await fetch(`${baseUrl}/conversions/${id}`, { method: 'DELETE', headers: await auth(owner) });
  });

  it('whose file is gone (the retention sweep removes files just before it marks the job) answers 404, not 500', async () => {
    const owner = randomUUID();
    const { id } = await convert(owner, 'sample.jpeg', 'sample.jpeg', 'png');
    expect((await thumbnailOf(owner, id)).status).toBe(200);
    await storage.delete([thumbnailKey(id)]);
    const answer = await thumbnailOf(owner, id);
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({
      code: 'thumbnail_unavailable',
      detail: expect.stringMatching(/expired/),
    });
  });

  it('is deleted with its job', async () => {
    const owner = randomUUID();
    const { id } = await convert(owner, 'sample.jpeg', 'sample.jpeg', 'png');
    expect((await thumbnailOf(owner, id)).status).toBe(200);
    expect(await storage.listKeys(`conversions/${id}/`)).toContain(thumbnailKey(id));
    const deleted = await fetch(`${baseUrl}/conversions/${id}`, {
      method: 'DELETE',
      headers: await auth(owner),
    });
    expect(deleted.status).toBe(204);
    await expect(storage.getBuffer(thumbnailKey(id))).rejects.toThrow();
    expect(await storage.listKeys(`conversions/${id}/`)).toEqual([]);
  });

  it('one that cannot be rendered answers 404 thumbnail_unavailable, and nothing is stored', async () => {
    const owner = randomUUID();
    const { id } = await convert(owner, 'sample.docx', 'sample.docx', 'pdf');
    await storage.put(`conversions/${id}/result.pdf`, '%PDF-1.7 not really', 'application/pdf');
    const answer = await thumbnailOf(owner, id);
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({
      code: 'thumbnail_unavailable',
      detail: expect.stringMatching(/could not be made/),
    });
    expect(await storage.listKeys(`conversions/${id}/`)).not.toContain(thumbnailKey(id));
  });
});
