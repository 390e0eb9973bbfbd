import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChannelLayer } from '@relay/channel-layer';
import { type ChannelEvent, type Conversion, type ConversionPage, Groups } from '@relay/contracts';
import { createDatabase } from '@relay/database';
import { ObjectStorage, objectStorageOptions } from '@relay/object-storage';
import { createLogger } from '@relay/platform';
import { TestTokenIssuer } from '@relay/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConvertService, type ConvertProcess, migrateConvert } from '../src/app.ts';
import { type ConvertConfig, loadConvertConfig } from '../src/config.ts';
import { conversions } from '../src/conversions/conversions.schema.ts';
import { buildZip, deflatedZeros } from './fixtures/zip-writer.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures/formats');
const logger = createLogger({ name: 'convert-api-test', level: 'silent' });
// A queue and channel-layer prefix of this run's own: nothing else consumes these jobs.
const prefix = `convert-api-test-${randomUUID().slice(0, 8)}`;

let issuer: TestTokenIssuer;
let config: ConvertConfig;
let service: ConvertProcess;
let baseUrl: string;
let storage: ObjectStorage;
let database: ReturnType<typeof createDatabase<{ conversions: typeof conversions }>>;
let queue: Queue;
let channelLayer: ChannelLayer;

const alice = randomUUID();
const mallory = randomUUID();

beforeAll(async () => {
  issuer = await TestTokenIssuer.start();
  config = loadConvertConfig({
    ...process.env,
    GATEWAY_JWKS_URL: issuer.jwksUrl,
    JOBS_PREFIX: prefix,
    CHANNEL_LAYER_PREFIX: prefix,
    CONVERT_MAX_UPLOAD_BYTES: String(1024 * 1024),
  });
  await migrateConvert(config);
  service = await buildConvertService(config, logger);
  baseUrl = await service.http.listen({ host: '127.0.0.1', port: 0 });
  storage = new ObjectStorage(objectStorageOptions(config));
  database = createDatabase({ url: config.CONVERT_DATABASE_URL, maxConnections: 2 }, { conversions });
  queue = new Queue('convert', { connection: { url: config.REDIS_URL }, prefix });
  channelLayer = new ChannelLayer({ redisUrl: config.REDIS_URL, prefix, logger });
});

afterAll(async () => {
  for (const step of service?.shutdownSteps ?? []) await step.close();
  await queue?.obliterate({ force: true });
  await queue?.close();
  await channelLayer?.close();
  await database?.close();
  storage?.close();
  await issuer?.close();
});

async function upload(
  owner: string,
  file: Blob,
  name: string,
  fields: Record<string, string | undefined> = { target: 'pdf' },
) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) form.set(key, value);
  form.set('file', file, name);
  const response = await fetch(`${baseUrl}/conversions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await issuer.tokenFor(owner)}` },
    body: form,
  });
  return {
    status: response.status,
    body: (await response.json()) as Conversion & { code?: string; detail?: string },
  };
}

async function call(method: string, path: string, owner: string) {
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${await issuer.tokenFor(owner)}` },
    redirect: 'manual',
  });
}

/** What the owner's rows and objects are now: refusals must leave both as they were. */
async function stored(owner: string) {
  const rows = await database.db.query.conversions.findMany({
    where: (row, { eq }) => eq(row.ownerId, owner),
  });
  const keys = (await Promise.all(rows.map((row) => storage.listKeys(`conversions/${row.id}/`)))).flat();
  return { rows: rows.length, keys: keys.length };
}

const text = (body: string) => new Blob([body], { type: 'text/plain' });

describe('an upload', () => {
  it('is stored, recorded, queued and announced to its owner: 202 queued', async () => {
    const heard: ChannelEvent[] = [];
    const listener = (event: ChannelEvent) => heard.push(event);
    await channelLayer.groupAdd(Groups.user(alice), listener);
    try {
      const docx = await readFile(join(FIXTURES, 'sample.docx'));
      const { status, body } = await upload(alice, new Blob([docx]), 'Quarterly report.docx', {
        target: 'pdf',
        pdfa: 'true',
      });
      expect(status).toBe(202);
      expect(body).toMatchObject({
        status: 'queued',
        sourceName: 'Quarterly report.docx',
        sourceFormat: 'docx',
        sourceBytes: docx.length,
        target: 'pdf',
        pdfa: '2b',
        pdfua: false,
        pages: null,
        sources: [{ name: 'Quarterly report.docx', format: 'docx', bytes: docx.length }],
        resultName: 'Quarterly report.pdf',
        downloadPath: null,
      });
      // The original under a key only the row knows, and a job whose id is the conversion's.
      expect(await storage.listKeys(`conversions/${body.id}/`)).toEqual([`conversions/${body.id}/source`]);
      expect(await queue.getJob(body.id)).toMatchObject({
        id: body.id,
        data: { payload: { conversionId: body.id } },
      });
      await expect
        .poll(() => heard)
        .toEqual([
          {
            type: 'conversion.status',
            status: expect.objectContaining({ conversionId: body.id, ownerId: alice, status: 'queued' }),
          },
        ]);
    } finally {
      await channelLayer.groupDiscard(Groups.user(alice), listener);
    }
  });

  it('takes its format from the content: a text file named .csv is csv, .md is md', async () => {
    const csv = await upload(alice, text('a,b\n1,2\n'), 'numbers.csv', { target: 'xlsx' });
    expect(csv.status).toBe(202);
    expect(csv.body).toMatchObject({ sourceFormat: 'csv', target: 'xlsx', resultName: 'numbers.xlsx' });
    const md = await upload(alice, text('# Title\n'), 'notes.md');
    expect(md.body).toMatchObject({ sourceFormat: 'md', resultName: 'notes.pdf' });
  });
});

describe('a refused upload leaves nothing in S3 or PostgreSQL', () => {
  let before: { rows: number; keys: number };
  beforeAll(async () => {
    before = await stored(alice);
  });

  it.each([
    {
      what: 'an executable renamed .docx',
      file: async () => new Blob([await readFile('/bin/true')]),
      name: 'invoice.docx',
      status: 415,
      code: 'unsupported_format',
    },
    {
      what: 'a Word document named .xlsx',
      file: async () => new Blob([await readFile(join(FIXTURES, 'sample.docx'))]),
      name: 'sheet.xlsx',
      status: 415,
      code: 'format_mismatch',
    },
    {
      what: 'a file over the upload limit',
      file: async () => text('x'.repeat(1024 * 1024 + 1)),
      name: 'big.txt',
      status: 413,
      code: 'upload_too_large',
    },
    {
      what: 'an unsupported pair (a text file to xlsx)',
      file: async () => text('hello'),
      name: 'hello.txt',
      fields: { target: 'xlsx' },
      status: 422,
      code: 'unsupported_conversion',
    },
    {
      what: 'an unknown target',
      file: async () => text('hello'),
      name: 'hello.txt',
      fields: { target: 'exe' },
      status: 400,
      code: 'upload_missing',
    },
    {
      what: 'PDF/A for a target that is not pdf',
      file: async () => text('hello'),
      name: 'hello.txt',
      fields: { target: 'docx', pdfa: 'true' },
      status: 422,
      code: 'option_unsupported',
    },
  ])('$what: $status $code', async ({ file, name, fields, status, code }) => {
    const answer = await upload(alice, await file(), name, fields);
    expect(answer.status).toBe(status);
    expect(answer.body.code).toBe(code);
    expect(answer.body.detail).toEqual(expect.any(String));
    expect(await stored(alice)).toEqual(before);
  });

  it('a zip bomb within the upload limit is refused by its declared size, never inflated', async () => {
    const bomb = buildZip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'word/document.xml', compressed: await deflatedZeros(512 * 1024 * 1024) },
    ]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const answer = await upload(alice, new Blob([new Uint8Array(bomb)]), 'bomb.docx');
    expect(answer).toMatchObject({ status: 422, body: { code: 'archive_too_large' } });
    expect(await stored(alice)).toEqual(before);
  });

  it('a body without a file part: 400 upload_missing', async () => {
    const form = new FormData();
    form.set('target', 'pdf');
    const response = await fetch(`${baseUrl}/conversions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await issuer.tokenFor(alice)}` },
      body: form,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('upload_missing');
    expect(await stored(alice)).toEqual(before);
  });

  it('without a token: 401 before the body is read', async () => {
    const form = new FormData();
    form.set('file', text('hello'), 'hello.txt');
    const response = await fetch(`${baseUrl}/conversions`, { method: 'POST', body: form });
    expect(response.status).toBe(401);
  });
});

describe("the owner's jobs", () => {
  it('list newest first, page by cursor, and show one', async () => {
    const owner = randomUUID();
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1)
      ids.push((await upload(owner, text(`n${index}`), `n${index}.txt`)).body.id);
    const first = (await (await call('GET', '/conversions?limit=2', owner)).json()) as ConversionPage;
    expect(first.conversions.map((job) => job.id)).toEqual([ids[4], ids[3]]);
    const pages = [first];
    while (pages.at(-1)?.nextCursor) {
      const cursor = pages.at(-1)?.nextCursor as string;
      pages.push(
        (await (await call('GET', `/conversions?limit=2&before=${cursor}`, owner)).json()) as ConversionPage,
      );
    }
    expect(pages.flatMap((page) => page.conversions.map((job) => job.id))).toEqual([...ids].reverse());
    const one = await call('GET', `/conversions/${ids[0]}`, owner);
    expect(await one.json()).toMatchObject({ id: ids[0], status: 'queued', sourceName: 'n0.txt' });
    expect((await call('GET', '/conversions?before=not-a-cursor', owner)).status).toBe(400);
    // A cursor is one of the caller's own jobs: someone else's (or none) is a 404, as the job itself would be.
    expect((await call('GET', `/conversions?before=${ids[0]}`, mallory)).status).toBe(404);
  });

  it('are nobody else’s: 404 on get, download and delete, absent from their list', async () => {
    const { body } = await upload(alice, text('private'), 'private.txt');
    for (const [method, path] of [
      ['GET', `/conversions/${body.id}`],
      ['GET', `/conversions/${body.id}/download`],
      ['DELETE', `/conversions/${body.id}`],
    ] as const) {
      const response = await call(method, path, mallory);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(((await response.json()) as { code: string }).code).toBe('conversion_not_found');
    }
    const theirs = (await (await call('GET', '/conversions', mallory)).json()) as ConversionPage;
    expect(theirs.conversions).toEqual([]);
    expect(await storage.listKeys(`conversions/${body.id}/`)).toHaveLength(1);
  });

  it('has no download before it is done (409), and delete removes the row and the original', async () => {
    const { body } = await upload(alice, text('soon gone'), 'gone.txt');
    const early = await call('GET', `/conversions/${body.id}/download`, alice);
    expect(early.status).toBe(409);
    expect(((await early.json()) as { code: string }).code).toBe('conversion_not_ready');
    expect((await call('DELETE', `/conversions/${body.id}`, alice)).status).toBe(204);
    expect((await call('GET', `/conversions/${body.id}`, alice)).status).toBe(404);
    expect(await storage.listKeys(`conversions/${body.id}/`)).toEqual([]);
    expect((await call('DELETE', `/conversions/${body.id}`, alice)).status).toBe(404);
  });

  it('formats: every source with its targets and the upload limit, without a token', async () => {
    const response = await fetch(`${baseUrl}/formats`);
    const answer = (await response.json()) as {
      formats: { source: string; targets: string[] }[];
      maxUploadBytes: number;
      maxMergeFiles: number;
    };
    expect(answer.maxUploadBytes).toBe(1024 * 1024);
    expect(answer.maxMergeFiles).toBe(config.CONVERT_MERGE_MAX_FILES);
    expect(answer.formats).toContainEqual({ source: 'docx', targets: ['pdf', 'odt'] });
    expect(answer.formats).toContainEqual({ source: 'csv', targets: ['pdf', 'xlsx', 'ods'] });
    expect(answer.formats).toHaveLength(21);
  });
});
