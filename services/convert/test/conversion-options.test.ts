import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import type { Conversion } from '@relay/contracts';
import { createDatabase } from '@relay/database';
import { ObjectStorage, objectStorageOptions } from '@relay/object-storage';
import { createLogger } from '@relay/platform';
import { createRedisClient } from '@relay/redis';
import { TestTokenIssuer } from '@relay/testing';
import { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConvertService, type ConvertProcess, migrateConvert } from '../src/app.ts';
import { type ConvertConfig, loadConvertConfig } from '../src/config.ts';
import { conversions } from '../src/conversions/conversions.schema.ts';
import { PASSWORD_NEEDED, WRONG_PASSWORD } from '../src/engines/libreoffice/encryption.ts';
import { buildConvertWorker } from '../src/worker-app.ts';

const run = promisify(execFile);
const FIXTURES = join(import.meta.dirname, 'fixtures/formats');
/** The encrypted fixtures' password (make-fixtures.sh); a longer one is used where logs are searched. */
const FIXTURE_PASSWORD = 'secret';
const prefix = `convert-options-test-${randomUUID().slice(0, 8)}`;
const MAX_UPLOAD = 1024 * 1024;
const MAX_MERGE = 3;

/** Every line both processes log, as written (pino JSON), searched for the password. */
const logLines: string[] = [];
const logger = createLogger({
  name: 'convert-options-test',
  level: 'debug',
  destination: new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  }),
});

let issuer: TestTokenIssuer;
let config: ConvertConfig;
let api: ConvertProcess;
let worker: ConvertProcess;
let baseUrl: string;
let database: ReturnType<typeof createDatabase<{ conversions: typeof conversions }>>;
let queue: Queue;
let redis: ReturnType<typeof createRedisClient>;
let storage: ObjectStorage;

beforeAll(async () => {
  issuer = await TestTokenIssuer.start();
  config = loadConvertConfig({
    ...process.env,
    GATEWAY_JWKS_URL: issuer.jwksUrl,
    JOBS_PREFIX: prefix,
    CHANNEL_LAYER_PREFIX: prefix,
    CONVERT_POOL_SIZE: '1',
    CONVERT_MAX_UPLOAD_BYTES: String(MAX_UPLOAD),
    CONVERT_MERGE_MAX_FILES: String(MAX_MERGE),
  });
  await migrateConvert(config);
  api = await buildConvertService(config, logger);
  baseUrl = await api.http.listen({ host: '127.0.0.1', port: 0 });
  worker = await buildConvertWorker(config, logger);
  database = createDatabase({ url: config.CONVERT_DATABASE_URL, maxConnections: 2 }, { conversions });
  queue = new Queue('convert', { connection: { url: config.REDIS_URL }, prefix });
  redis = createRedisClient(config.REDIS_URL, { name: 'convert-options-test' });
  storage = new ObjectStorage(objectStorageOptions(config));
}, 120_000);

afterAll(async () => {
  for (const step of worker?.shutdownSteps ?? []) await step.close();
  for (const step of api?.shutdownSteps ?? []) await step.close();
  await queue?.obliterate({ force: true });
  await queue?.close();
  await redis?.quit();
  await database?.close();
  storage?.close();
  await issuer?.close();
}, 60_000);

const fixture = async (name: string) => new Blob([new Uint8Array(await readFile(join(FIXTURES, name)))]);
const text = (body: string) => new Blob([body], { type: 'text/plain' });

async function upload(
  owner: string,
  files: Array<[Blob, string]>,
  fields: Record<string, string | undefined>,
) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) form.set(key, value);
  for (const [blob, name] of files) form.append('file', blob, name);
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

async function finished(owner: string, id: string): Promise<Conversion> {
  const get = async () =>
    (await (
      await fetch(`${baseUrl}/conversions/${id}`, {
        headers: { authorization: `Bearer ${await issuer.tokenFor(owner)}` },
      })
    ).json()) as Conversion;
  await expect.poll(async () => (await get()).status, { timeout: 60_000 }).toMatch(/^(done|failed)$/);
  return get();
}

/** The result, downloaded through the presigned link, as a file for poppler. */
async function resultPdf(owner: string, id: string): Promise<string> {
  const redirect = await fetch(`${baseUrl}/conversions/${id}/download`, {
    headers: { authorization: `Bearer ${await issuer.tokenFor(owner)}` },
    redirect: 'manual',
  });
  const body = await (await fetch(redirect.headers.get('location') ?? '')).arrayBuffer();
  const path = join(tmpdir(), `convert-options-${id}.pdf`);
  await writeFile(path, new Uint8Array(body));
  return path;
}

const pdfText = async (path: string) => (await run('pdftotext', ['-layout', path, '-'])).stdout;
const pdfPages = async (path: string) =>
  Number(/^Pages:\s+(\d+)$/m.exec((await run('pdfinfo', [path])).stdout)?.[1]);

describe('refused at upload, nothing stored', () => {
  const owner = randomUUID();

  it.each([
    {
      what: 'pages that are no list of pages',
      fields: { pages: 'two' },
      status: 400,
      code: 'option_invalid',
      field: 'pages',
    },
    { what: 'page 0', fields: { pages: '0-2' }, status: 400, code: 'option_invalid', field: 'pages' },
    {
      what: 'a range ending before it starts',
      fields: { pages: '5-3' },
      status: 400,
      code: 'option_invalid',
      field: 'pages',
    },
    { what: 'an open range', fields: { pages: '3-' }, status: 400, code: 'option_invalid', field: 'pages' },
    {
      what: 'an unknown PDF/A level',
      fields: { pdfa: '4u' },
      status: 400,
      code: 'option_invalid',
      field: 'pdfa',
    },
    {
      what: 'pdfua not a boolean',
      fields: { pdfua: 'yes' },
      status: 400,
      code: 'option_invalid',
      field: 'pdfua',
    },
    {
      what: 'merge not a boolean',
      fields: { merge: '1' },
      status: 400,
      code: 'option_invalid',
      field: 'merge',
    },
    {
      what: 'a password over 256 characters',
      fields: { password: 'x'.repeat(257) },
      status: 400,
      code: 'option_invalid',
      field: 'password',
    },
    {
      what: 'pages for a docx to odt',
      fields: { target: 'odt', pages: '1' },
      status: 422,
      code: 'option_unsupported',
      field: 'pages',
    },
    {
      what: 'pdfa for a docx to odt',
      fields: { target: 'odt', pdfa: '1b' },
      status: 422,
      code: 'option_unsupported',
      field: 'pdfa',
    },
    {
      what: 'pdfua for a docx to odt',
      fields: { target: 'odt', pdfua: 'true' },
      status: 422,
      code: 'option_unsupported',
      field: 'pdfua',
    },
    {
      what: 'merge for a docx to odt',
      fields: { target: 'odt', merge: 'true' },
      status: 422,
      code: 'option_unsupported',
      field: 'merge',
    },
    {
      what: 'merge with pdfa',
      fields: { merge: 'true', pdfa: '2b' },
      status: 422,
      code: 'option_unsupported',
      field: 'pdfa',
    },
    {
      what: 'merge with pdfua',
      fields: { merge: 'true', pdfua: 'true' },
      status: 422,
      code: 'option_unsupported',
      field: 'pdfua',
    },
  ])('$what: $status $code naming "$field"', async ({ fields, status, code, field }) => {
    const answer = await upload(owner, [[await fixture('sample.docx'), 'a.docx']], {
      target: 'pdf',
      ...fields,
    });
    expect(answer.status).toBe(status);
    expect(answer.body.code).toBe(code);
    expect(answer.body.detail).toContain(`"${field}"`);
    // A refusal never echoes a password.
    expect(answer.body.detail).not.toContain('xxxxxxxx');
    expect(await database.db.select().from(conversions).where(eq(conversions.ownerId, owner))).toEqual([]);
  });

  it.each([
    { what: 'pdfa for an image', name: 'sample.png', fields: { pdfa: '2b' }, field: 'pdfa' },
    { what: 'pdfua for an image', name: 'sample.png', fields: { pdfua: 'true' }, field: 'pdfua' },
    { what: 'page 2 of an image', name: 'sample.png', fields: { pages: '2' }, field: 'pages' },
    { what: 'pdfa for HTML', name: 'sample.html', fields: { pdfa: 'true' }, field: 'pdfa' },
    { what: 'pdfua for Markdown', name: 'sample.md', fields: { pdfua: 'true' }, field: 'pdfua' },
  ])('$what: 422 option_unsupported', async ({ name, fields, field }) => {
    const answer = await upload(owner, [[await fixture(name), name]], { target: 'pdf', ...fields });
    expect(answer.status).toBe(422);
    expect(answer.body.code).toBe('option_unsupported');
    expect(answer.body.detail).toContain(`"${field}"`);
  });

  it('page 1 of an image is fine: it has one', async () => {
    const answer = await upload(owner, [[await fixture('sample.png'), 'p.png']], {
      target: 'pdf',
      pages: '1',
    });
    expect(answer.status).toBe(202);
    expect(answer.body.pages).toBe('1-1');
  });

  it('several files without merge: 400 too_many_files (not 413)', async () => {
    const docx = await fixture('sample.docx');
    const answer = await upload(
      randomUUID(),
      [
        [docx, 'a.docx'],
        [docx, 'b.docx'],
      ],
      { target: 'pdf' },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('too_many_files');
    expect(answer.body.detail).toContain('merge=true');
  });

  it('more files than a merge takes: 400 too_many_files saying the limit', async () => {
    const docx = await fixture('sample.docx');
    const files = Array.from({ length: MAX_MERGE + 1 }, (_, index): [Blob, string] => [
      docx,
      `${index}.docx`,
    ]);
    const answer = await upload(randomUUID(), files, { target: 'pdf', merge: 'true' });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('too_many_files');
    expect(answer.body.detail).toBe(`At most ${MAX_MERGE} files can be merged into one PDF.`);
  });

  it('a merge whose files together pass the limit: 413, though each is within it', async () => {
    const big = text('a'.repeat(MAX_UPLOAD * 0.6));
    const answer = await upload(
      randomUUID(),
      [
        [big, 'a.txt'],
        [big, 'b.txt'],
      ],
      { target: 'pdf', merge: 'true' },
    );
    expect(answer.status).toBe(413);
    expect(answer.body.detail).toBe('The files together are larger than 1 MiB.');
  });

  it('a bad file in a merge is named: 415', async () => {
    const mergeOwner = randomUUID();
    const answer = await upload(
      mergeOwner,
      [
        [await fixture('sample.docx'), 'good.docx'],
        [new Blob([new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2])]), 'tool.docx'],
      ],
      { target: 'pdf', merge: 'true' },
    );
    expect(answer.status).toBe(415);
    expect(answer.body.detail).toMatch(/^File 2 \(tool\.docx\): /);
    expect(await database.db.select().from(conversions).where(eq(conversions.ownerId, mergeOwner))).toEqual(
      [],
    );
  });
});

describe('converted with options', () => {
  it('merge: one PDF of every file in the order sent, pages taken from the whole', async () => {
    const owner = randomUUID();
    const accepted = await upload(
      owner,
      [
        [text('FIRST-PART\n'), 'one.txt'],
        [await fixture('sample.png'), 'two.png'],
        [text('THIRD-PART\n'), 'three.txt'],
      ],
      { target: 'pdf', merge: 'true', pages: '1,3' },
    );
    expect(accepted.status).toBe(202);
    expect(accepted.body.sources.map((source) => source.name)).toEqual(['one.txt', 'two.png', 'three.txt']);
    const job = await finished(owner, accepted.body.id);
    expect(job.status).toBe('done');
    const path = await resultPdf(owner, job.id);
    expect(await pdfPages(path)).toBe(2);
    const words = await pdfText(path);
    expect(words.indexOf('FIRST-PART')).toBeGreaterThanOrEqual(0);
    expect(words.indexOf('THIRD-PART')).toBeGreaterThan(words.indexOf('FIRST-PART'));
    await rm(path);
    // Each original under its own key; deleting the job removes every one.
    const keys = await storage.listKeys(`conversions/${job.id}/`);
    expect(keys.filter((key) => key.includes('/source'))).toHaveLength(3);
    const deleted = await fetch(`${baseUrl}/conversions/${job.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await issuer.tokenFor(owner)}` },
    });
    expect(deleted.status).toBe(204);
    expect(await storage.listKeys(`conversions/${job.id}/`)).toEqual([]);
  });

  it('a page past the last fails the job with how many pages there are', async () => {
    const owner = randomUUID();
    const accepted = await upload(owner, [[text('one page\n'), 'short.txt']], {
      target: 'pdf',
      pages: '1,5',
    });
    const job = await finished(owner, accepted.body.id);
    expect(job).toMatchObject({
      status: 'failed',
      reason: 'The document has 1 page; page 5 does not exist.',
    });
  });

  it('pdfa=1b and pdfua are stored and written', async () => {
    const owner = randomUUID();
    const accepted = await upload(owner, [[await fixture('sample.docx'), 'a.docx']], {
      target: 'pdf',
      pdfa: '3b',
    });
    expect(accepted.body).toMatchObject({ pdfa: '3b', pdfua: false });
    const job = await finished(owner, accepted.body.id);
    const xmp = (await run('pdfinfo', ['-meta', await resultPdf(owner, job.id)])).stdout;
    expect(xmp).toContain('<pdfaid:part>3</pdfaid:part>');
    const tagged = await upload(owner, [[await fixture('sample.docx'), 'b.docx']], {
      target: 'pdf',
      pdfua: 'true',
    });
    const taggedJob = await finished(owner, tagged.body.id);
    const info = (await run('pdfinfo', [await resultPdf(owner, taggedJob.id)])).stdout;
    expect(info).toMatch(/^Tagged:\s+yes$/m);
  });

  it('a password opens the file and is never stored in the row, the job data, Redis in clear, or a log', async () => {
    const owner = randomUUID();
    logLines.length = 0;
    const accepted = await upload(owner, [[await fixture('encrypted.docx'), 'locked.docx']], {
      target: 'pdf',
      password: FIXTURE_PASSWORD,
    });
    expect(accepted.status).toBe(202);
    const id = accepted.body.id;
    // While it waits: sealed in Redis under a TTL, nowhere else.
    const job = await queue.getJob(id);
    expect(JSON.stringify(job?.data)).not.toContain(FIXTURE_PASSWORD);
    const kept = await redis.keys(`${prefix}:conversion-password:${id}`);
    expect(kept).toHaveLength(1);
    expect(await redis.get(kept[0] ?? '')).not.toContain(FIXTURE_PASSWORD);
    expect(await redis.ttl(kept[0] ?? '')).toBeGreaterThan(0);
    const done = await finished(owner, id);
    expect(done.status).toBe('done');
    expect(await pdfText(await resultPdf(owner, id))).toContain('RELAY-FIXTURE');
    const [row] = await database.db.select().from(conversions).where(eq(conversions.id, id));
    expect(JSON.stringify(row)).not.toContain(FIXTURE_PASSWORD);
    // Gone once the job ended.
    expect(await redis.exists(`${prefix}:conversion-password:${id}`)).toBe(0);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('')).not.toContain(FIXTURE_PASSWORD);
  });

  it('a wrong password fails for good saying so; none says a password is needed', async () => {
    const owner = randomUUID();
    const wrong = await upload(owner, [[await fixture('encrypted.docx'), 'locked.docx']], {
      target: 'pdf',
      password: 'not-the-password',
    });
    expect(await finished(owner, wrong.body.id)).toMatchObject({ status: 'failed', reason: WRONG_PASSWORD });
    expect(await redis.exists(`${prefix}:conversion-password:${wrong.body.id}`)).toBe(0);
    const none = await upload(owner, [[await fixture('encrypted.odt'), 'locked.odt']], { target: 'pdf' });
    expect(await finished(owner, none.body.id)).toMatchObject({ status: 'failed', reason: PASSWORD_NEEDED });
  });
});
